//! Database URLs, printed with the password redacted.

use std::fmt;

/// A database URL (`sqlite:…` or `postgres://…`). `Display` hides the password,
/// so it is safe in logs and error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL. A bare path (`renkei.db`) is taken as an SQLite file.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        if url.contains(':') && !url.starts_with('/') && !url.starts_with('.') {
            Self(url)
        } else {
            Self(format!("sqlite://{url}"))
        }
    }

    /// The full URL, password included. Never log this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True for `postgres://` and `postgresql://` URLs.
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }

    /// True for `sqlite:` URLs.
    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // postgres://user:secret@host/db → postgres://user:***@host/db
        if let Some((scheme, rest)) = self.0.split_once("://") {
            if let Some((userinfo, host)) = rest.split_once('@') {
                if let Some((user, _password)) = userinfo.split_once(':') {
                    return write!(f, "{scheme}://{user}:***@{host}");
                }
            }
        }
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_redacts_password() {
        let url = DatabaseUrl::new("postgres://renkei:hunter2@db.example:5432/renkei");
        assert_eq!(
            url.to_string(),
            "postgres://renkei:***@db.example:5432/renkei"
        );
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(url.is_postgres());
    }

    #[test]
    fn bare_path_is_sqlite() {
        assert_eq!(DatabaseUrl::new("renkei.db").expose(), "sqlite://renkei.db");
        assert!(DatabaseUrl::new("sqlite::memory:").is_sqlite());
    }
}
