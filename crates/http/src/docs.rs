//! `/api/docs`: a readable HTML page rendered on the server from the generated
//! OpenAPI document — endpoints, parameters, responses and schemas — with no
//! script and nothing loaded from the internet.

use crate::openapi::document;
use axum::response::Html;
use serde_json::Value;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// API documentation page (HTML).
#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "documentation",
    responses((status = 200, description = "HTML page describing this API / API の説明ページ", content_type = "text/html", body = String))
)]
pub async fn api_docs() -> Html<&'static str> {
    static PAGE: OnceLock<String> = OnceLock::new();
    Html(PAGE.get_or_init(|| render(document())))
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.6;color:#1a1a1a}\
h1,h2,h3{line-height:1.3}h2{border-bottom:2px solid #2a6f4e;margin-top:2.5rem}section{margin:1.5rem 0}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef5f1}code{background:#f3f3f3;padding:0 .2rem}.method{font-weight:bold;color:#fff;background:#2a6f4e;padding:.1rem .4rem;border-radius:3px}\
.en{color:#555;font-size:.9em}";

/// Renders the whole page from an OpenAPI document.
pub fn render(doc: &Value) -> String {
    let info = &doc["info"];
    let title = info["title"].as_str().unwrap_or("API");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} ドキュメント / documentation</title><style>{STYLE}</style></head><body>\
         <header><h1>{t} ドキュメント <span class=\"en\" lang=\"en\">API documentation</span></h1>\
         <p>バージョン / version {v} · OpenAPI {o} · <a href=\"/openapi.json\">/openapi.json</a> (機械可読 / machine-readable) · <a href=\"/\">トップ / home</a></p>\
         {d}</header>",
        t = escape(title),
        v = escape(info["version"].as_str().unwrap_or("")),
        o = escape(doc["openapi"].as_str().unwrap_or("")),
        d = paragraphs(info["description"].as_str().unwrap_or("")),
    );
    let operations = operations(doc);
    page.push_str(
        "<nav><h2>エンドポイント <span class=\"en\" lang=\"en\">Endpoints</span></h2><ul>",
    );
    for (path, method, op) in &operations {
        let _ = write!(
            page,
            "<li><a href=\"#{a}\"><code>{m} {p}</code></a> — {s}</li>",
            a = anchor(method, path),
            m = method.to_uppercase(),
            p = escape(path),
            s = escape(summary(op)),
        );
    }
    page.push_str("</ul></nav><main>");
    for (path, method, op) in &operations {
        render_operation(&mut page, path, method, op);
    }
    render_schemas(&mut page, &doc["components"]["schemas"]);
    page.push_str("</main></body></html>");
    page
}

fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(method) {
                found.push((path.as_str(), method, op));
            }
        }
    }
    found
}

fn summary(op: &Value) -> &str {
    op["summary"]
        .as_str()
        .or_else(|| op["description"].as_str())
        .unwrap_or("")
}

fn render_operation(page: &mut String, path: &str, method: &str, op: &Value) {
    let _ = write!(
        page,
        "<section id=\"{a}\"><h3><span class=\"method\">{m}</span> <code>{p}</code></h3>{d}",
        a = anchor(method, path),
        m = method.to_uppercase(),
        p = escape(path),
        d = paragraphs(op["description"].as_str().unwrap_or_else(|| summary(op))),
    );
    if let Some(parameters) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        page.push_str(
            "<h4>パラメータ <span class=\"en\" lang=\"en\">Parameters</span></h4><table>\
             <tr><th>名前 Name</th><th>場所 In</th><th>型 Type</th><th>必須 Required</th><th>説明 Description</th></tr>",
        );
        for parameter in parameters {
            let _ = write!(
                page,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(parameter["name"].as_str().unwrap_or("")),
                escape(parameter["in"].as_str().unwrap_or("")),
                type_label(&parameter["schema"]),
                if parameter["required"].as_bool().unwrap_or(false) {
                    "はい yes"
                } else {
                    "いいえ no"
                },
                inline(parameter["description"].as_str().unwrap_or("")),
            );
        }
        page.push_str("</table>");
    }
    page.push_str(
        "<h4>レスポンス <span class=\"en\" lang=\"en\">Responses</span></h4><table>\
         <tr><th>状態 Status</th><th>説明 Description</th><th>形式 Content</th></tr>",
    );
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let content: Vec<String> = response["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media, body)| {
                format!(
                    "<code>{}</code> {}",
                    escape(media),
                    type_label(&body["schema"])
                )
            })
            .collect();
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(status),
            inline(response["description"].as_str().unwrap_or("")),
            content.join("<br>"),
        );
    }
    page.push_str("</table></section>");
}

fn render_schemas(page: &mut String, schemas: &Value) {
    page.push_str("<h2>スキーマ <span class=\"en\" lang=\"en\">Schemas</span></h2>");
    for (name, schema) in schemas.as_object().into_iter().flatten() {
        let _ = write!(
            page,
            "<section id=\"schema-{n}\"><h3><code>{n}</code></h3>{d}",
            n = escape(name),
            d = paragraphs(schema["description"].as_str().unwrap_or("")),
        );
        if let Some(properties) = schema["properties"].as_object() {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            page.push_str("<table><tr><th>項目 Field</th><th>型 Type</th><th>必須 Required</th><th>説明 Description</th></tr>");
            for (field, property) in properties {
                let _ = write!(
                    page,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(field),
                    type_label(property),
                    if required.contains(&field.as_str()) {
                        "はい yes"
                    } else {
                        "いいえ no"
                    },
                    inline(property["description"].as_str().unwrap_or("")),
                );
            }
            page.push_str("</table>");
        } else if schema.get("properties").is_none() {
            let _ = write!(page, "<p>型 / type: {}</p>", type_label(schema));
        }
        page.push_str("</section>");
    }
}

/// A short HTML description of a JSON Schema: type names, links to named schemas, enum values.
fn type_label(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!(
            "<a href=\"#schema-{n}\"><code>{n}</code></a>",
            n = escape(name)
        );
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[combinator].as_array() {
            return options
                .iter()
                .map(type_label)
                .collect::<Vec<_>>()
                .join(" | ");
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(&v.to_string())))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let types: Vec<String> = match &schema["type"] {
        Value::String(name) => vec![name.clone()],
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => vec![],
    };
    let mut label = types
        .iter()
        .map(|name| {
            if name == "array" {
                format!("array of {}", type_label(&schema["items"]))
            } else {
                escape(name)
            }
        })
        .collect::<Vec<_>>()
        .join(" | ");
    if let Some(format) = schema["format"].as_str() {
        let _ = write!(label, " ({})", escape(format));
    }
    if label.is_empty() {
        "any".to_owned()
    } else {
        label
    }
}

fn anchor(method: &str, path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("op-{method}{slug}")
}

fn paragraphs(text: &str) -> String {
    let mut html = String::new();
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let _ = write!(html, "<p>{}</p>", inline(paragraph));
    }
    html
}

/// Escaped text with Markdown `code spans` as `<code>`.
fn inline(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}
