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

    /// This URL with `password` for a PostgreSQL URL that states none (read
    /// from a password file, so it never shows in `ps`); other URLs as they are.
    pub fn with_password(&self, password: &str) -> Result<Self, url::ParseError> {
        if !self.is_postgres() {
            return Ok(self.clone());
        }
        let mut url = url::Url::parse(&self.0)?;
        let stated = url.password().is_some_and(|p| !p.is_empty())
            || url.query_pairs().any(|(key, _)| key == "password");
        if !stated {
            // Only a URL with a host can hold a password; sqlx reads it percent-decoded.
            url.set_password(Some(password))
                .map_err(|()| url::ParseError::EmptyHost)?;
        }
        Ok(Self(url.into()))
    }

    /// True for `sqlite:` URLs.
    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // postgres://user:secret@host/db?password=secret → postgres://user:***@host/db?password=***
        let (base, query) = self
            .0
            .split_once('?')
            .map_or((self.0.as_str(), None), |(b, q)| (b, Some(q)));
        match base.split_once("://").and_then(|(scheme, rest)| {
            let (userinfo, host) = rest.rsplit_once('@')?;
            let (user, _password) = userinfo.split_once(':')?;
            Some((scheme, user, host))
        }) {
            Some((scheme, user, host)) => write!(f, "{scheme}://{user}:***@{host}")?,
            None => f.write_str(base)?,
        }
        if let Some(query) = query {
            f.write_str("?")?;
            for (i, pair) in query.split('&').enumerate() {
                if i > 0 {
                    f.write_str("&")?;
                }
                match pair.split_once('=') {
                    Some((key, _)) if key.to_ascii_lowercase().contains("password") => {
                        write!(f, "{key}=***")?;
                    }
                    _ => f.write_str(pair)?,
                }
            }
        }
        Ok(())
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
    fn issue_17_display_redacts_a_password_in_the_query() {
        let url = DatabaseUrl::new(
            "postgres://renkei@db.example/renkei?sslmode=require&password=hunter2&sslpassword=x",
        );
        let shown = url.to_string();
        assert_eq!(
            shown,
            "postgres://renkei@db.example/renkei?sslmode=require&password=***&sslpassword=***"
        );
        assert!(!format!("{url:?}").contains("hunter2"));
    }

    #[test]
    fn issue_17_a_password_file_fills_in_the_password_once() {
        let url = DatabaseUrl::new("postgres://renkei@db.example:5432/renkei")
            .with_password("p@ss word")
            .unwrap();
        assert_eq!(
            url.expose(),
            "postgres://renkei:p%40ss%20word@db.example:5432/renkei"
        );
        assert_eq!(
            url.to_string(),
            "postgres://renkei:***@db.example:5432/renkei"
        );
        let stated = DatabaseUrl::new("postgres://renkei:mine@db.example/renkei");
        assert_eq!(stated.with_password("other").unwrap(), stated);
        let sqlite = DatabaseUrl::new("renkei.db");
        assert_eq!(sqlite.with_password("x").unwrap(), sqlite);
    }

    #[test]
    fn bare_path_is_sqlite() {
        assert_eq!(DatabaseUrl::new("renkei.db").expose(), "sqlite://renkei.db");
        assert!(DatabaseUrl::new("sqlite::memory:").is_sqlite());
    }
}
