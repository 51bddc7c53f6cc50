//! Staff accounts: the commands that make and change them (each one store
//! transaction with its audit row), and signing in, with the per-account
//! failure counter that locks an account after [`LOCK_AFTER_FAILURES`].
//!
//! Passwords are kept only as argon2id hashes (PHC strings, the `argon2`
//! crate's default parameters); they never reach a log or an audit row.

use crate::actor::Actor;
use crate::audit::{self, RecordRef};
use crate::{AppError, AppResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use renkei_core::{AccountId, Role, Scope};
use renkei_store::{AccountChange, AccountRecord, NewAccount, OrganisationKind, Store, StoreError};
use serde::Serialize;
use std::sync::OnceLock;

/// Failed sign-ins in a row that lock an account.
pub const LOCK_AFTER_FAILURES: u32 = 10;
/// How long a locked account refuses sign-ins, in minutes.
pub const LOCK_MINUTES: i64 = 15;
/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in bytes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// An account as shown to admins and in audit rows: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    /// Stored id.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: AccountId,
    /// Sign-in e-mail (lower-cased).
    pub email: String,
    /// The account's organisation.
    pub organisation: String,
    /// `admin`, `region_editor`, `desk_staff` or `disabled`.
    pub role: String,
    /// Japanese label of the role.
    pub role_label: String,
    /// `*` for every area, else 二次医療圏 and municipality codes separated by spaces.
    pub scope: String,
    /// Sign-ins are refused until then (UTC), after too many failures.
    pub locked_until: Option<DateTime<Utc>>,
    /// When the account was made (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<&AccountRecord> for AccountView {
    fn from(account: &AccountRecord) -> Self {
        Self {
            id: account.id,
            email: account.email.clone(),
            organisation: account.organisation.clone(),
            role: account.role.as_str().to_owned(),
            role_label: account.role.label_ja().to_owned(),
            scope: account.scope.to_text(),
            locked_until: account.locked_until,
            created_at: account.created_at,
        }
    }
}

/// Makes a new account.
#[derive(Debug, Clone)]
pub struct AddAccount {
    /// Sign-in e-mail (stored lower-cased).
    pub email: String,
    /// Name of its organisation; made when no organisation has this name.
    pub organisation: String,
    /// Kind of the organisation, when it is made.
    pub organisation_kind: OrganisationKind,
    /// Role.
    pub role: Role,
    /// Where it may change records; a region editor needs areas.
    pub scope: Scope,
    /// The first password (at least [`MIN_PASSWORD_CHARS`] characters).
    pub password: String,
}

/// Changes an account's role or scope; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct ChangeAccount {
    /// New role.
    pub role: Option<Role>,
    /// New scope.
    pub scope: Option<Scope>,
}

fn admin_only(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "アカウントの管理は県の管理者だけができます",
            "only a prefecture admin manages accounts",
        ))
    }
}

/// `email` trimmed and lower-cased, checked to look like an address.
pub fn normalise_email(email: &str) -> AppResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid(
            "email",
            format!("{email:?} はメールアドレスではありません"),
            format!("{email:?} is not an e-mail address"),
        ))
    }
}

/// A region editor works inside areas: [`Scope::All`] is refused for it.
fn check_scope(role: Role, scope: &Scope) -> AppResult<()> {
    if role == Role::RegionEditor && *scope == Scope::All {
        return Err(AppError::invalid(
            "scope",
            "圏域の編集者には二次医療圏か市区町村のコードを指定してください",
            "a region editor needs 二次医療圏 or municipality codes",
        ));
    }
    Ok(())
}

/// The argon2id hash of `password`, after checking its length.
pub async fn hash_password(password: String) -> AppResult<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::invalid(
            "password",
            format!("パスワードは {MIN_PASSWORD_CHARS} 文字以上にしてください"),
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    tokio::task::spawn_blocking(move || {
        let mut salt = [0_u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(hash_failed)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(hash_failed)
    })
    .await
    .map_err(|e| AppError::Hash(e.to_string()))?
}

fn hash_failed(error: argon2::password_hash::Error) -> AppError {
    AppError::Hash(error.to_string())
}

/// True when `password` matches the PHC string `hash` (off the async threads).
async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(hash_failed)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| AppError::Hash(e.to_string()))?
}

/// A hash to verify against when the e-mail is unknown, so that an unknown
/// address takes as long as a wrong password.
async fn dummy_hash() -> AppResult<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password("renkei-dummy-password".to_owned()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

/// Makes an account as `actor` (an admin): one transaction with its audit row.
pub async fn add_account(
    store: &dyn Store,
    actor: &Actor,
    command: AddAccount,
) -> AppResult<AccountView> {
    admin_only(actor)?;
    let email = normalise_email(&command.email)?;
    check_scope(command.role, &command.scope)?;
    let organisation = command.organisation.trim().to_owned();
    if organisation.is_empty() {
        return Err(AppError::invalid(
            "organisation",
            "組織名を指定してください",
            "give the organisation's name",
        ));
    }
    let password_hash = hash_password(command.password).await?;
    let account = NewAccount {
        email: email.clone(),
        organisation,
        organisation_kind: command.organisation_kind,
        role: command.role,
        scope: command.scope,
        password_hash,
    };
    let planned = AccountView {
        id: AccountId::SYSTEM,
        email: email.clone(),
        organisation: account.organisation.clone(),
        role: account.role.as_str().to_owned(),
        role_label: account.role.label_ja().to_owned(),
        scope: account.scope.to_text(),
        locked_until: None,
        created_at: Utc::now(),
    };
    let entry = audit::record(
        actor,
        "account.add",
        account_ref(&email),
        None,
        Some(&planned),
    );
    store
        .add_account(&account, &entry)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { constraint } if constraint == "accounts_email_key" => {
                AppError::invalid(
                    "email",
                    format!("{email} のアカウントはすでにあります"),
                    format!("an account for {email} exists already"),
                )
            }
            other => other.into(),
        })?;
    account_view(store, &email).await
}

fn account_ref(email: &str) -> RecordRef {
    RecordRef {
        kind: "account",
        id: email.to_owned(),
        region: None,
    }
}

/// Every account, as `actor` (an admin) sees them.
pub async fn list_accounts(store: &dyn Store, actor: &Actor) -> AppResult<Vec<AccountView>> {
    admin_only(actor)?;
    Ok(store
        .accounts()
        .await?
        .iter()
        .map(AccountView::from)
        .collect())
}

async fn stored_account(store: &dyn Store, email: &str) -> AppResult<AccountRecord> {
    let email = normalise_email(email)?;
    store
        .account_by_email(&email)
        .await?
        .ok_or(AppError::NotFound {
            entity: "account",
            id: email,
        })
}

async fn account_view(store: &dyn Store, email: &str) -> AppResult<AccountView> {
    Ok(AccountView::from(&stored_account(store, email).await?))
}

/// Changes the role or scope of the account with `email`, as `actor` (an admin).
pub async fn change_account(
    store: &dyn Store,
    actor: &Actor,
    email: &str,
    change: ChangeAccount,
) -> AppResult<AccountView> {
    admin_only(actor)?;
    let account = stored_account(store, email).await?;
    let role = change.role.unwrap_or(account.role);
    let scope = change
        .scope
        .clone()
        .unwrap_or_else(|| account.scope.clone());
    check_scope(role, &scope)?;
    if account.id == actor.account && role != Role::Admin {
        return Err(AppError::forbidden(
            "自分自身を管理者から外すことはできません",
            "an admin cannot take away its own admin role",
        ));
    }
    let action = if change.role == Some(Role::Disabled) {
        "account.disable"
    } else {
        "account.change"
    };
    let stored_change = AccountChange {
        role: change.role,
        scope: change.scope,
        password_hash: None,
    };
    write_change(store, actor, &account, action, &stored_change).await
}

/// Disables the account with `email` (it can no longer sign in), as `actor`.
pub async fn disable_account(
    store: &dyn Store,
    actor: &Actor,
    email: &str,
) -> AppResult<AccountView> {
    let change = ChangeAccount {
        role: Some(Role::Disabled),
        scope: None,
    };
    change_account(store, actor, email, change).await
}

/// Sets a new password for the account with `email` (and lifts a lock), as `actor`.
pub async fn reset_password(
    store: &dyn Store,
    actor: &Actor,
    email: &str,
    password: String,
) -> AppResult<AccountView> {
    admin_only(actor)?;
    let account = stored_account(store, email).await?;
    let change = AccountChange {
        password_hash: Some(hash_password(password).await?),
        ..AccountChange::default()
    };
    write_change(store, actor, &account, "account.reset_password", &change).await
}

/// Writes `change` of `account` with its audit row (before and after
/// without the hash), and reads the account back.
async fn write_change(
    store: &dyn Store,
    actor: &Actor,
    account: &AccountRecord,
    action: &str,
    change: &AccountChange,
) -> AppResult<AccountView> {
    let before = AccountView::from(account);
    let mut after = before.clone();
    if let Some(role) = change.role {
        role.as_str().clone_into(&mut after.role);
        role.label_ja().clone_into(&mut after.role_label);
    }
    if let Some(scope) = &change.scope {
        after.scope = scope.to_text();
    }
    if change.password_hash.is_some() {
        after.locked_until = None;
    }
    let entry = audit::record(
        actor,
        action,
        account_ref(&account.email),
        Some(&before),
        Some(&after),
    );
    store.change_account(account.id, change, &entry).await?;
    account_view(store, &account.email).await
}

/// Checks a sign-in at `now`: the account when `password` is right and the
/// account is neither locked nor disabled. A wrong password counts a failure;
/// the [`LOCK_AFTER_FAILURES`]th locks the account for [`LOCK_MINUTES`]
/// ([`AppError::Locked`], from that attempt on).
pub async fn sign_in(
    store: &dyn Store,
    email: &str,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<AccountRecord> {
    let email = email.trim().to_lowercase();
    let Some(account) = store.account_by_email(&email).await? else {
        verify_password(password, dummy_hash().await?).await?;
        return Err(AppError::InvalidCredentials);
    };
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        return Err(AppError::Locked { until });
    }
    if !verify_password(password, account.password_hash.clone()).await? {
        let lock_until = now + Duration::minutes(LOCK_MINUTES);
        let (_, locked) = store
            .count_login_failure(account.id, LOCK_AFTER_FAILURES, lock_until)
            .await?;
        return match locked.filter(|until| *until > now) {
            Some(until) => Err(AppError::Locked { until }),
            None => Err(AppError::InvalidCredentials),
        };
    }
    if account.role == Role::Disabled {
        return Err(AppError::AccountDisabled);
    }
    store.clear_login_failures(account.id).await?;
    Ok(account)
}

/// The actor of a session that signed in as `id`: `None` when the account
/// is gone or disabled since (so disabling takes effect at once).
pub async fn session_actor(store: &dyn Store, id: AccountId) -> AppResult<Option<Actor>> {
    match store.account(id).await {
        Ok(account) if account.role.is_staff() => Ok(Some(Actor::from_account(&account))),
        Ok(_) | Err(StoreError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// The account of a session, as the session endpoint shows it.
pub async fn session_account(store: &dyn Store, id: AccountId) -> AppResult<AccountView> {
    Ok(AccountView::from(&store.account(id).await?))
}
