//! The web client's static files, served at `/` with `index.html` for client
//! routes. When the client is not built, `/` explains how to build it instead.

use axum::response::Html;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// A router serving the built web client in `web_dir` (e.g. `web/dist`), or
/// the "not built" page when `web_dir/index.html` does not exist. Decided once,
/// when the router is built.
pub fn service(web_dir: &Path) -> Router {
    let index = web_dir.join("index.html");
    if index.is_file() {
        Router::new().fallback_service(ServeDir::new(web_dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(web_dir = %web_dir.display(), "web client not built; / shows how to build it");
        Router::new().fallback(not_built)
    }
}

async fn not_built() -> Html<&'static str> {
    Html(NOT_BUILT_PAGE)
}

const NOT_BUILT_PAGE: &str = r#"<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>renkei — ウェブ画面は未ビルドです</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.7}code,pre{background:#f3f3f3;padding:.1rem .3rem}</style>
</head>
<body>
<h1>renkei は動いています</h1>
<p>ただし、ウェブ画面 (web client) はまだビルドされていません。リポジトリの最上位フォルダで次を実行してから、サーバーを起動し直してください。</p>
<pre>scripts/build-web.sh</pre>
<p>（または <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>。できたファイルは <code>web/dist</code> に入ります。別の場所なら <code>--web-dir</code> で指定します。）</p>
<p>API はこのままで使えます。</p>
<ul>
<li><a href="/api/docs">API ドキュメント</a>（API documentation）</li>
<li><a href="/api/v1/facilities">施設一覧 (JSON)</a> · <a href="/api/v1/facilities?format=geojson">GeoJSON</a> · <a href="/api/v1/facilities?format=csv">CSV</a></li>
<li><a href="/api/v1/health">稼働状況</a>（health）</li>
</ul>
<p lang="en">renkei is running, but the web client has not been built. Run <code>scripts/build-web.sh</code> (or <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>) and restart the server; point <code>--web-dir</code> at the output if it is not <code>web/dist</code>. The API works as it is: see <a href="/api/docs">/api/docs</a>.</p>
</body>
</html>
"#;
