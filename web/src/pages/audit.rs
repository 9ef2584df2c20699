//! The audit trail for the bureau: every change in the city, newest first,
//! searched by what was done (in words: 准予登记, or its code), the kind
//! of record and which one, and date (China Standard Time days); each
//! change shown field by field, amounts in yuan.

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use minijinja::context;
use serde::{Deserialize, Serialize};
use service::Role;
use service::audit::{self, AuditFilter};
use service::page::PageRequest;

use super::{Page, Reply};

#[derive(Deserialize, Serialize, Default)]
pub struct Search {
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    entity_id: String,
    /// An organization: everything that concerned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organization: Option<uuid::Uuid>,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(skip_serializing)]
    after: Option<i64>,
}

impl Search {
    fn filter(&self) -> service::Result<AuditFilter> {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let day = |field: &'static str, v: &str| {
            text(v)
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| super::invalid::date(field)))
                .transpose()
        };
        // A code as it is; words, as every action whose name holds them.
        let words = text(&self.action);
        let (action, actions) = match words {
            Some(w) if service::labels::audit_action(&w, "en").is_some() => (Some(w), None),
            Some(w) => (
                None,
                Some(
                    service::labels::audit_actions_matching(&w)
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                ),
            ),
            None => (None, None),
        };
        Ok(AuditFilter {
            action,
            actions,
            entity_type: text(&self.entity_type),
            entity_id: text(&self.entity_id),
            actor_user_id: None,
            organization_id: self.organization,
            from: day("from", &self.from)?.map(service::clock::china_midnight),
            // Up to the end of the day asked for.
            to: day("to", &self.to)?
                .and_then(|d| d.succ_opt())
                .map(service::clock::china_midnight),
        })
    }
}

pub async fn search(page: Page, tenant: web::Path<String>, query: web::Query<Search>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let (records, next, error) = match query.filter() {
        Err(e) => (Vec::new(), None, Some(page.say(&e))),
        Ok(filter) => {
            let found = audit::search(&page.db, ctx, filter, PageRequest::new(Some(50), query.after)?).await?;
            let next = found.has_next.then(|| found.items.last().map(|r| r.seq)).flatten();
            // Who did it, by name; what, in words (the code stays searchable).
            let actors: Vec<_> = found.items.iter().filter_map(|r| r.actor_user_id).collect();
            let names = service::users::names(&page.db, ctx, &actors).await?;
            let lang = page.frame.lang;
            let role = |r: &Option<String>| {
                r.as_deref()
                    .and_then(|r| service::labels::by_name("role", r, lang))
                    .unwrap_or_default()
            };
            let rows: Vec<_> = found
                .items
                .iter()
                .map(|r| {
                    context! {
                        seq => r.seq, at => service::clock::china_time(r.occurred_at), code => r.action.clone(),
                        action => service::labels::audit_action(&r.action, lang).unwrap_or(&r.action),
                        actor => r.actor_user_id.and_then(|u| names.get(&u).cloned()), actor_role => role(&r.actor_role),
                        system => r.actor_user_id.is_none(),
                        entity_type => r.entity_type.clone(), entity_id => r.entity_id.clone(),
                        entity => service::labels::record_kind(&r.entity_type, lang).unwrap_or(&r.entity_type),
                        link => record_link(&tenant, &r.entity_type, &r.entity_id),
                        changes => readable_changes(&r.changes), hash => r.hash.chars().take(12).collect::<String>(),
                    }
                })
                .collect();
            (rows, next, None)
        }
    };
    let next = next.map(|seq| super::next_page_query(&*query, seq));
    let first = query
        .after
        .is_some()
        .then(|| serde_urlencoded::to_string(&*query).unwrap_or_default());
    let head = audit::head(&page.db, ctx).await?;
    Ok(page.render(
        "audit.html",
        StatusCode::OK,
        context! {
            records => records, next => next, first => first, error => error, query => minijinja::Value::from(minijinja::value::Serde(&*query)),
            kinds => service::labels::RECORD_KINDS.iter().map(|(k, zh, en)| (*k, if page.frame.lang.starts_with("zh") { *zh } else { *en })).collect::<Vec<_>>(),
            head => context! { seq => head.seq, hash => head.hash }, ..page.base(Some(&tenant))
        },
    ))
}

/// The portal's page of a record the trail names, where it has one.
fn record_link(tenant: &str, kind: &str, id: &str) -> Option<String> {
    let page = match kind {
        "organization" => "organizations",
        "relief_case" => "cases",
        "registration_application" => "applications",
        _ => return None,
    };
    Some(format!("/{tenant}/office/{page}/{id}"))
}

/// A record's changes as people read them: one line a field, "before →
/// after", amounts kept in fen shown in yuan (`amount_fen: 880000` →
/// `amount: ¥8,800.00`).
fn readable_changes(changes: &str) -> Vec<String> {
    use serde_json::Value;
    let Ok(Value::Object(all)) = serde_json::from_str::<Value>(changes) else {
        return vec![changes.to_owned()];
    };
    let empty = serde_json::Map::new();
    let side = |name: &str| match all.get(name) {
        Some(Value::Object(map)) => map.clone(),
        Some(Value::Null) | None => empty.clone(),
        Some(other) => serde_json::Map::from_iter([("detail".to_owned(), other.clone())]),
    };
    let (before, after) = (side("before"), side("after"));
    let shown = |key: &str, v: Option<&Value>| -> String {
        match v {
            None | Some(Value::Null) => "—".to_owned(),
            Some(Value::Number(n)) if key.ends_with("_fen") => n
                .as_i64()
                .map_or_else(|| n.to_string(), |fen| format!("¥{}", super::yuan(fen))),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    };
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let name = key.strip_suffix("_fen").unwrap_or(key);
            match (before.get(key), after.get(key)) {
                (None, after) => format!("{name}: {}", shown(key, after)),
                (before, after) => format!("{name}: {} → {}", shown(key, before), shown(key, after)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::readable_changes;

    #[test]
    fn changes_read_field_by_field_with_amounts_in_yuan() {
        let lines =
            readable_changes(r#"{"before":{"status":"requested"},"after":{"status":"approved","amount_fen":880000}}"#);
        assert_eq!(
            lines,
            vec![
                "amount: ¥8,800.00".to_owned(),
                "status: requested → approved".to_owned()
            ]
        );
        assert_eq!(readable_changes("not json"), vec!["not json".to_owned()]);
    }
}
