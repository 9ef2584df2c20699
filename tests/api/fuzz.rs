//! A GraphQL fuzzing run (issue #10): a fixed number of requests, random
//! and adversarial, generated from the schema's own introspection with a
//! fixed seed, sent as Nanning's users and as the public. No request may
//! get a 5xx, a body that is not a GraphQL response, an INTERNAL error, or
//! anything of another city: the arguments include the ids of Liuzhou's
//! records, and a reply that names one of Liuzhou's organizations, funds or
//! users is a finding. `FUZZ_SHOW=1` prints the first requests and
//! replies, to see what the generator makes.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Requests generated from the schema (the adversarial ones come on top).
const GENERATED: usize = 500;
const SEED: u64 = 20261126;

const INTROSPECTION: &str = "{ __schema { queryType { name } mutationType { name } types { name kind
    fields { name args { name type { ...T } } type { ...T } }
    inputFields { name type { ...T } }
    enumValues { name } } } }
    fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

#[tokio::test]
async fn random_and_adversarial_requests_get_no_server_error_and_no_other_citys_data() {
    let app = spawn_app().await;
    let schema = app.graphql(None, INTROSPECTION, json!({})).await;
    let schema = Schema::new(&schema["data"]["__schema"]);
    let callers = [
        None,
        Some(app.login("nanning.city_official").await),
        Some(app.login("nanning.org_staff").await),
        Some(app.login("nanning.donor").await),
    ];
    let secrets = Liuzhou::read(&app).await;
    let mut fuzz = Fuzz {
        rng: StdRng::seed_from_u64(SEED),
        schema,
        ids: secrets.ids.clone(),
    };

    let mut findings = Vec::new();
    let mut sent = 0;
    for i in 0..GENERATED {
        let mutation = i % 3 == 2;
        let document = fuzz.operation(mutation);
        let caller = callers.choose(&mut fuzz.rng).unwrap().as_deref();
        let reply = post(&app, caller, &json!({"query": document})).await;
        sent += 1;
        if std::env::var("FUZZ_SHOW").is_ok() && i < 40 {
            println!("{}\n=> {}\n", cut(&document), cut(&reply.body));
        }
        findings.extend(secrets.check(&document, &reply));
    }
    for (name, body) in adversarial() {
        let reply = post_raw(&app, callers[1].as_deref(), body).await;
        sent += 1;
        findings.extend(secrets.check(name, &reply));
    }
    println!("fuzz: {sent} requests (seed {SEED}), {} findings", findings.len());
    assert!(findings.is_empty(), "findings:\n{}", findings.join("\n\n"));
}

/// A reply: the HTTP status and the body as text.
struct Reply {
    status: u16,
    body: String,
}

async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> Reply {
    post_raw(app, token, body.to_string()).await
}

async fn post_raw(app: &TestApp, token: Option<&str>, body: String) -> Reply {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    Reply {
        status: response.status().as_u16(),
        body: response.text().await.unwrap_or_default(),
    }
}

/// What only Liuzhou has: the ids the fuzzer throws at Nanning's API, and
/// the names no reply to Nanning's users may contain.
struct Liuzhou {
    ids: Vec<String>,
    names: Vec<String>,
}

impl Liuzhou {
    async fn read(app: &TestApp) -> Self {
        let liuzhou = app.scalar_string("SELECT id FROM tenant WHERE slug = 'liuzhou'").await;
        let liuzhou = app.sql_id(&liuzhou);
        let mut ids = Vec::new();
        for table in [
            "organization",
            "charity_fund",
            "donation",
            "app_user",
            "campaign",
            "relief_case",
        ] {
            for id in strings(
                app,
                &format!("SELECT id FROM {table} WHERE tenant_id = {liuzhou} LIMIT 5"),
            )
            .await
            {
                ids.push(id);
            }
        }
        let mut names = Vec::new();
        for sql in [
            format!("SELECT name FROM organization WHERE tenant_id = {liuzhou}"),
            format!("SELECT name FROM charity_fund WHERE tenant_id = {liuzhou}"),
            format!("SELECT username FROM app_user WHERE tenant_id = {liuzhou}"),
        ] {
            names.extend(strings(app, &sql).await);
        }
        // A name Nanning also has is no evidence of a leak.
        let nanning = app.scalar_string("SELECT id FROM tenant WHERE slug = 'nanning'").await;
        let nanning = app.sql_id(&nanning);
        let shared = strings(
            app,
            &format!("SELECT name FROM organization WHERE tenant_id = {nanning} UNION SELECT name FROM charity_fund WHERE tenant_id = {nanning}"),
        )
        .await;
        names.retain(|n| n.chars().count() >= 4 && !shared.contains(n));
        assert!(
            names.len() > 10 && ids.len() > 10,
            "Liuzhou's demo data is there to look for"
        );
        Self { ids, names }
    }

    fn check(&self, request: &str, reply: &Reply) -> Vec<String> {
        let mut findings = Vec::new();
        let about = |what: &str| {
            format!(
                "{what}\nrequest: {}\nreply: {} {}",
                cut(request),
                reply.status,
                cut(&reply.body)
            )
        };
        if reply.status >= 500 {
            findings.push(about("a server error"));
        }
        // 413 (too large) and 400 (not JSON) are answers; everything else
        // must be a GraphQL response.
        if !matches!(reply.status, 400 | 413) {
            match serde_json::from_str::<Value>(&reply.body) {
                Ok(body) if body.get("data").is_some() || body.get("errors").is_some() => {
                    let internal = body["errors"]
                        .as_array()
                        .is_some_and(|errors| errors.iter().any(|e| e["extensions"]["code"] == "INTERNAL"));
                    if internal {
                        findings.push(about("an INTERNAL error"));
                    }
                }
                _ => findings.push(about("not a GraphQL response")),
            }
        }
        if let Some(name) = self.names.iter().find(|n| reply.body.contains(n.as_str())) {
            findings.push(about(&format!("Liuzhou's \"{name}\" in a reply to Nanning")));
        }
        findings
    }
}

fn cut(text: &str) -> String {
    text.chars().take(600).collect()
}

async fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    app.owner
        .query_all_raw(sea_orm::Statement::from_string(app.backend, sql.to_owned()))
        .await
        .unwrap()
        .iter()
        .map(|row| {
            row.try_get_by_index::<uuid::Uuid>(0)
                .map(|u| u.to_string())
                .or_else(|_| row.try_get_by_index::<String>(0))
                .unwrap()
        })
        .collect()
}

/// Hand-made requests that aim at the engine's limits.
fn adversarial() -> Vec<(&'static str, String)> {
    let deep = format!("{{ {}__typename{} }}", "tenants { ".repeat(60), " }".repeat(60));
    let aliases: String = (0..3000).map(|i| format!("a{i}: tenants {{ slug }} ")).collect();
    let q = |query: &str| json!({"query": query}).to_string();
    vec![
        ("nested 60 deep", q(&deep)),
        ("3000 aliases", q(&format!("{{ {aliases} }}"))),
        (
            "a fragment cycle",
            q("query { tenants { ...A } } fragment A on Tenant { ...B } fragment B on Tenant { ...A }"),
        ),
        ("a syntax error", q("{ tenants { slug ")),
        ("an unknown field", q("{ nothingHere }")),
        (
            "a NUL in a string",
            q("{ organizations(tenant: \"nan\\u0000ning\") { totalCount } }"),
        ),
        (
            "a NUL in a search",
            q("{ organizations(tenant: \"nanning\", search: \"\\u0000\") { totalCount } }"),
        ),
        (
            "a variable of the wrong type",
            json!({"query": "query($n: Int!) { tenants { slug } }", "variables": {"n": "x"}}).to_string(),
        ),
        (
            "variables that are not an object",
            json!({"query": "{ tenants { slug } }", "variables": [1, 2]}).to_string(),
        ),
        (
            "an operation name that is not there",
            json!({"query": "query A { tenants { slug } }", "operationName": "B"}).to_string(),
        ),
        (
            "a batch",
            json!([{"query": "{ tenants { slug } }"}, {"query": "{ tenants { name } }"}]).to_string(),
        ),
        ("not JSON", "{\"query\": ".to_owned()),
        ("an empty body", String::new()),
        ("a null query", json!({"query": null}).to_string()),
        (
            "a million-character string",
            q(&format!(
                "{{ organizations(tenant: \"nanning\", search: \"{}\") {{ totalCount }} }}",
                "字".repeat(1_000_000)
            )),
        ),
        (
            "a huge integer",
            q("{ organizations(tenant: \"nanning\", first: 99999999999999999999) { totalCount } }"),
        ),
        (
            "a negative page",
            q("{ organizations(tenant: \"nanning\", first: -5) { totalCount } }"),
        ),
        (
            "a forged cursor",
            q("{ organizations(tenant: \"nanning\", after: \"not-a-cursor\") { totalCount } }"),
        ),
        ("a subscription", q("subscription { tenants { slug } }")),
        ("a directive on an unknown name", q("{ tenants @nope { slug } }")),
    ]
}

/// The schema as the generator needs it.
struct Schema {
    types: HashMap<String, Value>,
    query: String,
    mutation: Option<String>,
}

impl Schema {
    fn new(schema: &Value) -> Self {
        let types = schema["types"]
            .as_array()
            .expect("introspection works")
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
            .collect();
        Self {
            types,
            query: schema["queryType"]["name"].as_str().unwrap().to_owned(),
            mutation: schema["mutationType"]["name"].as_str().map(str::to_owned),
        }
    }

    fn fields(&self, type_name: &str) -> Vec<Value> {
        self.types[type_name]["fields"].as_array().cloned().unwrap_or_default()
    }
}

struct Fuzz {
    rng: StdRng,
    schema: Schema,
    ids: Vec<String>,
}

/// The named type under any list and non-null wrappers, and whether the
/// outermost wrapper is non-null.
fn named(ty: &Value) -> (String, bool) {
    let required = ty["kind"] == "NON_NULL";
    let mut t = ty;
    while t["name"].is_null() {
        t = &t["ofType"];
    }
    (t["name"].as_str().unwrap().to_owned(), required)
}

fn is_list(ty: &Value) -> bool {
    let mut t = ty;
    while t["kind"] == "NON_NULL" {
        t = &t["ofType"];
    }
    t["kind"] == "LIST"
}

impl Fuzz {
    /// One query or mutation: one to three root fields with arguments and
    /// a selection.
    fn operation(&mut self, mutation: bool) -> String {
        let root = if mutation {
            self.schema.mutation.clone().unwrap()
        } else {
            self.schema.query.clone()
        };
        let fields = self.schema.fields(&root);
        let picked: Vec<Value> = (0..self.rng.random_range(1..=3))
            .map(|_| fields.choose(&mut self.rng).unwrap().clone())
            .collect();
        let body: Vec<String> = picked
            .iter()
            .enumerate()
            .map(|(i, field)| format!("f{i}: {}", self.field(field, 0)))
            .collect();
        format!(
            "{} {{ {} }}",
            if mutation { "mutation" } else { "query" },
            body.join(" ")
        )
    }

    fn field(&mut self, field: &Value, depth: usize) -> String {
        let name = field["name"].as_str().unwrap();
        let mut args = Vec::new();
        for arg in field["args"].as_array().into_iter().flatten() {
            if named(&arg["type"]).1 || self.rng.random_bool(0.5) {
                args.push(format!(
                    "{}: {}",
                    arg["name"].as_str().unwrap(),
                    self.value(&arg["type"], 0)
                ));
            }
        }
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        let (type_name, _) = named(&field["type"]);
        let selection = self.selection(&type_name, depth + 1);
        format!("{name}{args}{selection}")
    }

    fn selection(&mut self, type_name: &str, depth: usize) -> String {
        let ty = &self.schema.types[type_name];
        match ty["kind"].as_str().unwrap() {
            "OBJECT" | "INTERFACE" => {
                let fields = self.schema.fields(type_name);
                let mut parts = vec!["__typename".to_owned()];
                for field in fields {
                    let (inner, _) = named(&field["type"]);
                    let leaf = matches!(self.schema.types[&inner]["kind"].as_str(), Some("SCALAR" | "ENUM"));
                    // Most leaves; some nested objects, not too deep.
                    let take = if leaf {
                        self.rng.random_bool(0.6)
                    } else {
                        depth < 4 && self.rng.random_bool(0.35)
                    };
                    if take {
                        parts.push(self.field(&field, depth));
                    }
                }
                format!(" {{ {} }}", parts.join(" "))
            }
            "UNION" => " { __typename }".to_owned(),
            _ => String::new(),
        }
    }

    /// A GraphQL literal for a value of `ty`: mostly plausible, often
    /// hostile.
    fn value(&mut self, ty: &Value, depth: usize) -> String {
        let (type_name, required) = named(ty);
        if !required && self.rng.random_bool(0.1) {
            return "null".to_owned();
        }
        if is_list(ty) {
            let n = self.rng.random_range(0..4);
            let mut inner = ty.clone();
            while inner["kind"] != "LIST" {
                inner = inner["ofType"].clone();
            }
            let items: Vec<String> = (0..n).map(|_| self.value(&inner["ofType"], depth + 1)).collect();
            return format!("[{}]", items.join(", "));
        }
        let kind = self.schema.types[&type_name]["kind"].as_str().unwrap().to_owned();
        match (kind.as_str(), type_name.as_str()) {
            ("ENUM", _) => {
                let values: Vec<String> = self.schema.types[&type_name]["enumValues"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v["name"].as_str().unwrap().to_owned())
                    .collect();
                if self.rng.random_bool(0.9) {
                    values.choose(&mut self.rng).unwrap().clone()
                } else {
                    "NOT_A_VALUE".to_owned()
                }
            }
            ("INPUT_OBJECT", _) => {
                let fields = self.schema.types[&type_name]["inputFields"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let mut parts = Vec::new();
                for f in &fields {
                    if depth < 3 && (named(&f["type"]).1 || self.rng.random_bool(0.5)) {
                        parts.push(format!(
                            "{}: {}",
                            f["name"].as_str().unwrap(),
                            self.value(&f["type"], depth + 1)
                        ));
                    }
                }
                format!("{{ {} }}", parts.join(", "))
            }
            (_, "Int") => ["0", "1", "-1", "20", "100", "2147483647", "-2147483648", "1000000"]
                .choose(&mut self.rng)
                .unwrap()
                .to_string(),
            (_, "Float") => ["0.0", "-1.5", "1e308", "3.14"]
                .choose(&mut self.rng)
                .unwrap()
                .to_string(),
            (_, "Boolean") => ["true", "false"].choose(&mut self.rng).unwrap().to_string(),
            (_, "UUID" | "ID") => {
                let id = if self.rng.random_bool(0.8) {
                    self.ids.choose(&mut self.rng).unwrap().clone()
                } else {
                    ["00000000-0000-0000-0000-000000000000", "not-a-uuid", ""]
                        .choose(&mut self.rng)
                        .unwrap()
                        .to_string()
                };
                json!(id).to_string()
            }
            (_, name) if name.contains("Date") => json!(
                *[
                    "2026-02-30",
                    "2026-06-01",
                    "1900-01-01",
                    "9999-12-31",
                    "2026-06-01T00:00:00Z",
                    "yesterday"
                ]
                .choose(&mut self.rng)
                .unwrap()
            )
            .to_string(),
            _ => json!(self.text()).to_string(),
        }
    }

    fn text(&mut self) -> String {
        // Not "liuzhou": its public pages are public, and the check looks
        // for Liuzhou's names in replies to Nanning.
        let choices = [
            "nanning",
            "guangxi",
            "南宁市",
            "100.00",
            "0.001",
            "-5",
            "1e9",
            "99999999999999999999.99",
            "abc",
            "",
            "   ",
            "' OR 1=1 --",
            "\"; DROP TABLE donation; --",
            "<script>alert(1)</script>",
            "{{ 7 * 7 }}",
            "%s%s%s%n",
            "../../etc/passwd",
            "👍🏽 emoji",
            "\u{202e}reversed",
            "a@b",
            "someone@example.org",
            "91450100MA5XXXXXXX",
            "450102199001011234",
        ];
        let mut text = choices.choose(&mut self.rng).unwrap().to_string();
        if self.rng.random_bool(0.05) {
            text = text.repeat(2000);
        }
        text
    }
}
