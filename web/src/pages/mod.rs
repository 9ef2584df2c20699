//! Page handlers. Each builds the common frame (language, signed-in user,
//! CSRF token) with [`Frame`], calls `service`, and renders a template.

pub mod account;
pub mod apply;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod disbursements;
pub mod donor;
pub mod fee_periods;
pub mod fee_reports;
pub mod form;
pub mod funds;
pub mod give;
pub mod households;
pub mod my_organization;
pub mod office;
pub mod organizations;
pub mod public;
pub mod referrals;
pub mod stations;
pub mod users;
pub mod workspace;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::future::LocalBoxFuture;
use minijinja::{Value, context};
use service::{Db, Role, TenantContext};

use crate::session::{self, Keys};
use crate::{i18n, render};

/// What every page needs besides its own content.
pub struct Frame {
    pub lang: &'static str,
    pub csrf: String,
    new_csrf: Option<Cookie<'static>>,
    pub user: Option<TenantContext>,
    username: String,
    /// What the action before the redirect did, in the reader's language.
    done: Option<String>,
    /// The bureau the page is of (主办单位), from the city or region in
    /// its path.
    host: Option<String>,
    site: crate::Site,
}

impl Frame {
    /// The frame of a page for this request. An error when the session
    /// cannot be checked (the database is out of reach): the page then
    /// says so, rather than asking a signed-in reader to sign in.
    pub async fn of(req: &HttpRequest, db: &Db, keys: &Keys) -> Result<Self, service::Error> {
        let (csrf, new_csrf) = session::csrf(req, session::secure(db));
        let user = session::signed_in(req, db, keys).await?;
        let username = match &user {
            Some(ctx) => match service::users::me(db, ctx).await {
                Ok(u) => u.display_name,
                Err(e @ service::Error::Unavailable(_)) => return Err(e),
                Err(_) => String::new(),
            },
            None => String::new(),
        };
        let lang = i18n::language(req);
        let host = host_of(req, db, lang).await;
        let site = req
            .app_data::<web::Data<crate::Site>>()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default();
        let done = web::Query::<Done>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.into_inner().done)
            .and_then(|key| i18n::known(lang, &format!("done_{key}")));
        Ok(Self {
            lang,
            csrf,
            new_csrf,
            user,
            username,
            done,
            host,
            site,
        })
    }

    /// The frame's part of a template context.
    pub fn context(&self, tenant: Option<&str>) -> Value {
        let user = self.user.as_ref().map(|u| {
            context! {
                username => self.username.clone(),
                tenant => u.tenant_slug.clone(),
                org_staff => u.role() == Some(Role::OrgStaff) && u.organization_id().is_some(),
                // A founder whose organization is not registered yet.
                applicant => u.role() == Some(Role::OrgStaff) && u.organization_id().is_none(),
                donor => u.role() == Some(Role::Donor),
                official => u.role() == Some(Role::CityOfficial),
                region => u.role() == Some(Role::RegionOfficial),
            }
        });
        let site = context! { contact => self.site.contact.clone(), icp_record => self.site.icp_record.clone() };
        context! {
            lang => self.lang, csrf => self.csrf.clone(), user => user, tenant => tenant, done => self.done.clone(),
            host => self.host.clone(), site => site,
        }
    }

    pub fn page(&self, name: &str, status: StatusCode, ctx: Value) -> HttpResponse {
        let mut response = render(name, status, ctx);
        if let Some(cookie) = &self.new_csrf {
            let _ = response.add_cookie(cookie);
        }
        response
    }
}

/// An amount in fen as the portal shows it: 3,013,384.00 (the page adds
/// the ¥).
pub fn yuan(fen: i64) -> String {
    service::Money::from_fen(fen).grouped()
}

/// An enum's wire name (its serde name, as in the API), for form values and
/// translation keys.
pub fn key<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The query string of a list's next page: its filter, then the cursor.
pub fn next_page_query(filter: &impl serde::Serialize, after: impl std::fmt::Display) -> String {
    match serde_urlencoded::to_string(filter) {
        Ok(q) if !q.is_empty() => format!("{q}&after={after}"),
        _ => format!("after={after}"),
    }
}

/// A list page's links, as query strings: to the next page (the filter
/// and the last row's key), and, past the first page, back to the first.
pub fn page_links<T, K: std::fmt::Display>(
    found: &service::page::Page<T>,
    filter: &impl serde::Serialize,
    past_first: bool,
    key: impl Fn(&T) -> K,
) -> (Option<String>, Option<String>) {
    let next = found
        .has_next
        .then(|| found.items.last().map(|row| next_page_query(filter, key(row))))
        .flatten();
    let first = past_first.then(|| serde_urlencoded::to_string(filter).unwrap_or_default());
    (next, first)
}

/// The `done` of a redirect after an action: which success message the
/// next page shows (only one the text table has, so a link cannot put
/// words on the page).
#[derive(serde::Deserialize)]
struct Done {
    done: Option<String>,
}

/// The bureau a page belongs to (主办单位): the city's civil-affairs bureau
/// (民政局) or the region's department (民政厅), from the first part of
/// the path; `None` off a city's pages.
async fn host_of(req: &HttpRequest, db: &Db, lang: &str) -> Option<String> {
    let slug = req.path().trim_start_matches('/').split('/').next()?;
    // The site's own top-level pages are no tenant's.
    if slug.is_empty() || matches!(slug, "login" | "logout" | "lang" | "graphql" | "exports" | "healthz") {
        return None;
    }
    let tenant = service::tenants::find_by_slug(db, slug).await.ok()?;
    let zh = lang.starts_with("zh");
    Some(match tenant.kind {
        service::TenantKind::City if zh => format!("{}民政局", tenant.name),
        service::TenantKind::City => format!("{} Civil Affairs Bureau", tenant.name),
        service::TenantKind::Region if zh => format!("{}民政厅", tenant.name),
        service::TenantKind::Region => format!("{} Department of Civil Affairs", tenant.name),
        _ => return None,
    })
}

/// Back to `to` after an action, saying it was done: `done` names the
/// message (`done_<done>` in the text table).
pub fn redirect_done(to: &str, done: &str) -> HttpResponse {
    let sep = if to.contains('?') { '&' } else { '?' };
    redirect(&format!("{to}{sep}done={done}"))
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to.to_owned()))
        .finish()
}

/// Switch the page language and go back where the reader was.
pub async fn set_language(req: HttpRequest, code: web::Path<String>) -> HttpResponse {
    let lang = if code.as_str() == "en" { "en" } else { "zh-CN" };
    let back = req
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|referer| same_site_path(referer, req.connection_info().host()))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = Cookie::build(i18n::COOKIE, lang)
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let mut response = redirect(&back);
    let _ = response.add_cookie(&cookie);
    response
}

/// The path (and query) of a URL on this host, to redirect to; `None` for
/// another host, or for a path a browser would read as one (`//evil`,
/// `/\evil`, which a URL parser turns into `//evil`).
fn same_site_path(referer: &str, host: &str) -> Option<String> {
    let url = url::Url::parse(referer).ok()?;
    let authority = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str()?),
        None => url.host_str()?.to_owned(),
    };
    let path = url.path();
    (authority.eq_ignore_ascii_case(host) && path.starts_with('/') && !path.starts_with("//")).then(|| {
        match url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        }
    })
}

/// What a page handler starts from: the database, the common frame and
/// the request (for the CSRF check). An extractor, so every handler gets
/// it the same way.
pub struct Page {
    pub db: web::Data<Db>,
    pub frame: Frame,
    req: HttpRequest,
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let missing = || actix_web::error::ErrorInternalServerError("the web portal is not configured");
            let db = req.app_data::<web::Data<Db>>().cloned().ok_or_else(missing)?;
            let keys = req.app_data::<Keys>().cloned().ok_or_else(missing)?;
            let frame = match Frame::of(&req, &db, &keys).await {
                Ok(frame) => frame,
                Err(e) => {
                    // The reader's language is known here: the page is in it.
                    let page = error_page_in(&e, Some(i18n::language(&req)));
                    return Err(actix_web::error::InternalError::from_response(PageError(e), page).into());
                }
            };
            Ok(Self { db, frame, req })
        })
    }
}

impl Page {
    /// The signed-in user if they hold `role` in this city; otherwise the
    /// sign-in page (nobody signed in) or a refusal.
    pub fn signed_in(&self, tenant: &str, role: Role) -> Result<&TenantContext, PageError> {
        match &self.frame.user {
            Some(ctx) if ctx.tenant_slug == tenant && ctx.role() == Some(role) => Ok(ctx),
            Some(_) => Err(PageError(service::Error::Forbidden(
                match role {
                    Role::OrgStaff => "this page is for the staff of an organization in this city",
                    Role::CityOfficial => "this page is for the officials of this city's bureau",
                    Role::RegionOfficial => "this page is for the region's officials",
                    _ => "this page is for this city's donors",
                }
                .to_owned(),
            ))),
            None => Err(self.sign_in_first()),
        }
    }

    /// The signed-in user of this city, whatever their role (their own
    /// account's pages).
    pub fn signed_in_here(&self, tenant: &str) -> Result<&TenantContext, PageError> {
        match &self.frame.user {
            Some(ctx) if ctx.tenant_slug == tenant => Ok(ctx),
            Some(_) => Err(PageError(service::Error::Forbidden(
                "this page is for accounts of this city".to_owned(),
            ))),
            None => Err(self.sign_in_first()),
        }
    }

    /// Not signed in: to the sign-in page, which comes back here after.
    /// (A page's UNAUTHENTICATED carries the path to come back to.)
    fn sign_in_first(&self) -> PageError {
        let back = match self.req.query_string() {
            "" => self.req.path().to_owned(),
            q => format!("{}?{q}", self.req.path()),
        };
        let back = if self.req.method() == actix_web::http::Method::GET {
            back
        } else {
            String::new()
        };
        PageError(service::Error::Unauthenticated(back))
    }

    /// A signed-in `role` acting through a form (a row's button): who they
    /// are, once the form carries this browser's CSRF token.
    pub fn acting(
        &self,
        tenant: &str,
        role: Role,
        form: &HashMap<String, String>,
    ) -> Result<&TenantContext, PageError> {
        let ctx = self.signed_in(tenant, role)?;
        self.check_csrf(form)?;
        Ok(ctx)
    }

    /// Refuse a form that does not carry this browser's CSRF token.
    pub fn check_csrf(&self, form: &HashMap<String, String>) -> Result<(), PageError> {
        if self.csrf_ok(form) {
            Ok(())
        } else {
            Err(PageError(service::Error::Forbidden(self.expired())))
        }
    }

    /// Whether a posted form carries this browser's CSRF token.
    pub fn csrf_ok(&self, form: &HashMap<String, String>) -> bool {
        session::csrf_ok(&self.req, session::secure(&self.db), form.get("csrf"))
    }

    /// The frame's part of a template context.
    pub fn base(&self, tenant: Option<&str>) -> Value {
        self.frame.context(tenant)
    }

    pub fn render(&self, name: &str, status: StatusCode, ctx: Value) -> HttpResponse {
        self.frame.page(name, status, ctx)
    }

    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    /// The request's metadata for the audit trail (its id, the client).
    pub fn meta(&self) -> service::RequestMeta {
        crate::request::meta(&self.req)
    }

    /// An error's message in the reader's language.
    pub fn say(&self, e: &service::Error) -> String {
        e.message_in(self.frame.lang)
    }

    /// A form's errors: this one, beside its field (or above the form when
    /// it names none), in the reader's language.
    pub fn errors(&self, e: &service::Error) -> Value {
        let field = match e {
            service::Error::Validation { field: Some(f), .. } => form_field(f),
            _ => "_form".to_owned(),
        };
        self.error_at(field, self.say(e))
    }

    /// A form's service call, settled for the page: its value, or the
    /// errors to show beside the fields with the status they answer (422
    /// for a field, 409 for a clash, 429 when throttled). Anything else is
    /// the page's error.
    pub fn settle<T>(&self, result: service::Result<T>) -> Result<Result<T, (Value, StatusCode)>, PageError> {
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(e @ service::Error::Validation { .. }) => Ok(Err((self.errors(&e), StatusCode::UNPROCESSABLE_ENTITY))),
            Err(e @ service::Error::Conflict { .. }) => Ok(Err((self.errors(&e), StatusCode::CONFLICT))),
            Err(e @ service::Error::TooManyAttempts { .. }) => {
                Ok(Err((self.errors(&e), StatusCode::TOO_MANY_REQUESTS)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// One posted form's round: the CSRF check, the fields read into the
    /// service's input (`parse`), and the service's call with the form's
    /// idempotency key. Its value when done; otherwise the errors to show
    /// with the form again and the status they answer.
    pub async fn submit<I, T>(
        &self,
        fields: &HashMap<String, String>,
        parse: impl FnOnce(&HashMap<String, String>) -> Result<I, form::Rejected>,
        call: impl AsyncFnOnce(I, Option<&str>) -> service::Result<T>,
    ) -> Result<Result<T, (Value, StatusCode)>, PageError> {
        if !self.csrf_ok(fields) {
            return Ok(Err(self.expired_form()));
        }
        match parse(fields) {
            Ok(input) => self.settle(call(input, workspace::idempotency_key(fields)).await),
            Err(rejected) => Ok(Err((
                self.error_at(rejected.field, self.say(&rejected.error)),
                rejected.status,
            ))),
        }
    }

    /// A form whose CSRF token does not match: the error above the form.
    pub fn expired_form(&self) -> (Value, StatusCode) {
        (self.error_at("_form".into(), self.expired()), StatusCode::FORBIDDEN)
    }

    /// One message beside the named form field.
    pub fn error_at(&self, field: String, message: String) -> Value {
        Value::from(minijinja::value::Serde(HashMap::from([(field, message)])))
    }

    /// "The form expired" (a CSRF token that does not match), in the
    /// reader's language.
    pub fn expired(&self) -> String {
        i18n::text(self.frame.lang, "session_expired")
    }
}

/// The service's field names (camelCase, as in the API) to the forms'.
pub fn form_field(field: &str) -> String {
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What a form did not parse, said in both languages like the service's
/// own errors.
pub mod invalid {
    use service::Error;

    pub fn date(field: &'static str) -> Error {
        Error::validation(field, "write the date as 2026-11-26", "日期格式应为 2026-11-26")
    }

    pub fn whole_number(field: &'static str, value: &str) -> Error {
        Error::validation(
            field,
            format!("\"{value}\" is not a whole number"),
            format!("“{value}”不是整数"),
        )
    }

    pub fn choice(field: &'static str) -> Error {
        Error::validation(field, "choose one from the list", "请从列表中选择")
    }
}

/// A page that cannot be shown: a domain error outside a form. Handlers
/// return `Result<HttpResponse, PageError>` and use `?` on service calls.
#[derive(Debug)]
pub struct PageError(pub service::Error);

impl From<service::Error> for PageError {
    fn from(e: service::Error) -> Self {
        Self(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            // A page sends the reader to sign in.
            service::Error::Unauthenticated(_) => StatusCode::SEE_OTHER,
            e => crate::status::http_status(e),
        }
    }

    fn error_response(&self) -> HttpResponse {
        error_page(&self.0)
    }
}

pub type Reply = Result<HttpResponse, PageError>;

/// The page for a domain error outside a form: the sign-in page for a
/// caller who is not signed in, otherwise the message with its status (the
/// one mapping in [`crate::status`]).
pub fn error_page(e: &service::Error) -> HttpResponse {
    error_page_in(e, None)
}

/// [`error_page`] in the reader's language when it is known; otherwise in
/// both where there are both.
pub fn error_page_in(e: &service::Error, lang: Option<&'static str>) -> HttpResponse {
    use service::Error as E;
    if let E::Unauthenticated(back) = e {
        // A page names itself (see `Page::sign_in_first`); anything else
        // that is not a path of this site is not followed.
        if back.starts_with('/') && !back.starts_with("//") && !back.starts_with("/\\") {
            let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
            return redirect(&format!("/login?{query}"));
        }
        return redirect("/login");
    }
    let status = crate::status::of(e);
    let mut response = match e {
        // The database is out of reach: the service is unavailable, not
        // the reader's request wrong; come back in a moment.
        E::Unavailable(_) => render(
            "unavailable.html",
            status.status,
            context! { lang => lang.unwrap_or("zh-CN"), both => lang.is_none() },
        ),
        _ => {
            let zh = match e {
                E::Forbidden(_) => "您无权进行此操作，或表单已过期。".to_owned(),
                E::NotFound(_) => "没有找到您要的内容。".to_owned(),
                _ => status.message_in("zh-CN").to_owned(),
            };
            let en = match e {
                E::Forbidden(_) => "You may not do this, or the form has expired.".to_owned(),
                E::NotFound(_) => "There is nothing here: the address may be mistyped or the record gone.".to_owned(),
                _ => status.message.clone(),
            };
            // In the reader's language when it is known; in both when not.
            let ctx = match lang {
                Some("en") => context! { message => en, lang => "en" },
                Some(_) => context! { message => zh, lang => "zh-CN" },
                None => context! { message => zh.clone(), english => (en != zh).then_some(en), lang => "zh-CN" },
            };
            render("error.html", status.status, ctx)
        }
    };
    if let Some(seconds) = status.retry_after
        && let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds.to_string())
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, value);
    }
    response
}

/// The public context of a city in the path, or the 404 page.
pub async fn city(db: &Db, req: &HttpRequest, slug: &str) -> Result<(service::TenantContext, String), PageError> {
    match service::tenants::find_by_slug(db, slug).await {
        Ok(city) if city.kind == service::TenantKind::City => Ok((
            service::tenants::context_for(&city, service::Actor::Anonymous, crate::request::meta(req)),
            city.name,
        )),
        Ok(_) | Err(service::Error::NotFound(_)) => Err(PageError(service::Error::NotFound("city"))),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn redirects_go_only_to_paths_of_this_site() {
        let host = "127.0.0.1:8080";
        assert_eq!(
            same_site_path("http://127.0.0.1:8080/nanning/funds?x=1", host).as_deref(),
            Some("/nanning/funds?x=1")
        );
        assert_eq!(same_site_path("http://evil.example/nanning", host), None);
        assert_eq!(same_site_path("http://127.0.0.1:8080/\\evil.example", host), None);
        assert_eq!(same_site_path("http://127.0.0.1:8080//evil.example/x", host), None);
        assert_eq!(same_site_path("/relative", host), None);
    }
}
