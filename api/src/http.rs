//! The HTTP edge: the GraphQL endpoint, GraphiQL and the probes. This is
//! where a request becomes a [`TenantContext`]: the bearer token is verified
//! here, once, and the context handed to the schema.

use ::web::request::Meta;
use ::web::status;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CONTENT_LENGTH};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use futures_util::StreamExt;
use serde_json::json;
use service::token::TokenKeys;
use service::{Db, RequestMeta, TenantContext};

use crate::graphql::{RequestState, Schemas, error_codes};

pub struct AppState {
    pub db: Db,
    pub keys: TokenKeys,
    pub schemas: Schemas,
    pub body_limit: usize,
    pub graphiql: bool,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql))
        .route("/graphql", web::get().to(graphiql))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/exports/fee-reductions/{file}", web::get().to(fee_reduction_export));
}

/// A GraphQL-shaped error for failures before execution (bad body, bad
/// token), so clients parse one format whatever went wrong.
fn request_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    }))
}

async fn graphql(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
    Meta(meta): Meta,
) -> HttpResponse {
    let too_large = || {
        request_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_codes::VALIDATION,
            &format!(
                "the request body is larger than the limit of {} bytes",
                state.body_limit
            ),
        )
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > state.body_limit) {
        return too_large();
    }
    // Read at most the limit, whatever the headers claim.
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return request_error(
                StatusCode::BAD_REQUEST,
                error_codes::VALIDATION,
                "the request body could not be read",
            );
        };
        if body.len() + chunk.len() > state.body_limit {
            return too_large();
        }
        body.extend_from_slice(&chunk);
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                error_codes::VALIDATION,
                &format!(
                    "the request body is not a GraphQL request in JSON ({e}): send {{\"query\": \"…\", \"variables\": {{…}}}}"
                ),
            );
        }
    };

    let tenant = match bearer_context(&req, &state, meta.clone()).await {
        Ok(ctx) => ctx,
        Err(e) => return bearer_refused(e),
    };
    let schema = state.schemas.for_caller(tenant.is_some());
    let request = request.data(RequestState::new(tenant, meta));
    let mut response = schema.execute(request).await;
    // Parse and validation errors from the GraphQL engine carry no code;
    // give them the one their kind deserves.
    for error in &mut response.errors {
        let has_code = error.extensions.as_ref().is_some_and(|e| e.get("code").is_some());
        if !has_code {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", error_codes::VALIDATION);
        }
    }
    HttpResponse::Ok().json(response)
}

/// The answer to a request whose token could not be accepted: an outage
/// or an internal failure as the one mapping says (503 with Retry-After,
/// or 500), anything else about the token as 401.
fn bearer_refused(err: service::Error) -> HttpResponse {
    match err {
        e @ (service::Error::Unavailable(_) | service::Error::Internal(_)) => status::json_response(&status::of(&e)),
        e => request_error(StatusCode::UNAUTHORIZED, error_codes::UNAUTHENTICATED, &e.to_string()),
    }
}

/// `None` for an anonymous request; an error for a token that is present
/// but not acceptable (malformed, forged, expired, or its session ended).
async fn bearer_context(
    req: &HttpRequest,
    state: &AppState,
    meta: RequestMeta,
) -> service::Result<Option<TenantContext>> {
    let Some(header) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| service::Error::Unauthenticated("the Authorization header must be \"Bearer <token>\"".into()))?;
    let claims = state.keys.verify(token)?;
    let ctx = service::users::authenticate(&state.db, claims, meta).await?;
    ::web::request::name_on_span(req, &ctx);
    Ok(Some(ctx))
}

/// `GET /exports/fee-reductions/{period}.csv` or `.xlsx`, for officials
/// with a bearer token: the spreadsheet passed up the chain.
async fn fee_reduction_export(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    Meta(meta): Meta,
) -> HttpResponse {
    let ctx = match bearer_context(&req, &state, meta).await {
        Ok(Some(ctx)) => ctx,
        Ok(None) => {
            return request_error(
                StatusCode::UNAUTHORIZED,
                error_codes::UNAUTHENTICATED,
                "sign in first: this needs a bearer token",
            );
        }
        Err(e) => return service_error(e),
    };
    let file = path.into_inner();
    let Some((id, extension)) = file.rsplit_once('.') else {
        return request_error(
            StatusCode::NOT_FOUND,
            error_codes::NOT_FOUND,
            "ask for <period id>.csv or <period id>.xlsx",
        );
    };
    let Ok(period_id) = id.parse::<uuid::Uuid>() else {
        return request_error(
            StatusCode::NOT_FOUND,
            error_codes::NOT_FOUND,
            "fee-reduction period not found",
        );
    };
    if !matches!(extension, "csv" | "xlsx") {
        return request_error(
            StatusCode::NOT_FOUND,
            error_codes::NOT_FOUND,
            "exports are .csv or .xlsx",
        );
    }
    let result = service::fee_reductions::export::file(&state.db, &ctx, period_id, extension).await;
    match result {
        Ok(file) => ::web::download(file, &format!("fee-reductions-{period_id}.{extension}")),
        Err(e) => service_error(e),
    }
}

/// A service error outside GraphQL: the one mapping's status, code and
/// message (an outage is 503 with Retry-After).
fn service_error(err: service::Error) -> HttpResponse {
    status::json_response(&status::of(&err))
}

async fn graphiql(state: web::Data<AppState>) -> HttpResponse {
    if !state.graphiql {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("善联 Shanlian GraphQL")
            .finish(),
    )
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready when the database answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready", "database": "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}
