//! The configured public URL (`--public-url` / `RENKEI_PUBLIC_URL`) is the only
//! source of absolute URLs: TileJSON tile addresses, printed links and QR
//! codes. `Host`, `X-Forwarded-Host` and `X-Forwarded-Proto` are never read,
//! so no client can put its own host into a response or onto paper.
//!
//! Without a public URL the server's own address stands in (the bound address,
//! loopback when bound to all interfaces): TileJSON stays absolute — QGIS,
//! GDAL and some MapLibre versions do not resolve relative tile URLs — but is
//! sent with `Cache-Control: no-store`, and printed matter carries the
//! 「試し刷り」 mark (see renkei-print's `WebClient::is_trial`).

use renkei_print::WebClient;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::Url;

/// Why a public URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a public URL such as https://renkei.example.jp/ ({reason})")]
pub struct PublicUrlError {
    /// The value as given.
    pub text: String,
    /// What is wrong.
    pub reason: &'static str,
}

/// Parses a public URL: http or https, a host, no user, query or fragment;
/// the path (where the service is mounted) gets a trailing `/`.
pub fn parse_public_url(text: &str) -> Result<Url, PublicUrlError> {
    let error = |reason| PublicUrlError {
        text: text.to_owned(),
        reason,
    };
    let mut url = Url::parse(text.trim()).map_err(|_| error("not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(error("use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(error("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(error("no user or password in it"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(error("no query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The server's own address as a URL, for when no public URL is set: the
/// bound address, loopback when bound to every interface (0.0.0.0 or ::).
pub fn local_url(bound: SocketAddr) -> Url {
    let ip = match bound.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let host = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    Url::parse(&format!("http://{host}:{}/", bound.port())).expect("an IP and port make a URL")
}

/// Where absolute URLs of responses point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkBase {
    /// The base, ending in `/`.
    pub url: Url,
    /// True when it is the configured public URL; false for the stand-in.
    pub configured: bool,
}

impl LinkBase {
    /// The public URL when set, else `local` (the server's own address), else
    /// the default listen address.
    pub fn new(public: Option<&Url>, local: Option<&Url>) -> Self {
        match (public, local) {
            (Some(url), _) => Self {
                url: url.clone(),
                configured: true,
            },
            (None, Some(url)) => Self {
                url: url.clone(),
                configured: false,
            },
            (None, None) => Self {
                url: Url::parse(WebClient::DEFAULT_BASE).expect("the default base is a URL"),
                configured: false,
            },
        }
    }

    /// `path` (relative, no leading `/`) under the base. Braces of URL
    /// templates (`{z}`) are kept as they are.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.url.as_str(), path.trim_start_matches('/'))
    }

    /// The web client at this base, for printed links and QR codes.
    pub fn web_client(&self) -> WebClient {
        WebClient::new(self.url.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_http_bases_without_query_or_credentials() {
        let url = parse_public_url("https://renkei.example.jp/kanagawa").unwrap();
        assert_eq!(url.as_str(), "https://renkei.example.jp/kanagawa/");
        assert_eq!(
            parse_public_url("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080/"
        );
        for bad in [
            "renkei.example.jp",
            "ftp://renkei.example.jp/",
            "https://user:pw@renkei.example.jp/",
            "https://renkei.example.jp/?a=1",
            "https://renkei.example.jp/#x",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_stand_in_is_the_bound_address_on_loopback() {
        assert_eq!(
            local_url("0.0.0.0:8080".parse().unwrap()).as_str(),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            local_url("[::]:9000".parse().unwrap()).as_str(),
            "http://[::1]:9000/"
        );
        let base = LinkBase::new(None, None);
        assert!(!base.configured);
        assert_eq!(
            base.join("/tiles/regions/{z}/{x}/{y}.mvt"),
            "http://127.0.0.1:8080/tiles/regions/{z}/{x}/{y}.mvt"
        );
        let public = parse_public_url("https://renkei.example.jp/k/").unwrap();
        let base = LinkBase::new(Some(&public), None);
        assert!(base.configured);
        assert_eq!(
            base.join("tiles/x.json"),
            "https://renkei.example.jp/k/tiles/x.json"
        );
    }
}
