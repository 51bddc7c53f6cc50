//! Staff accounts and their organisations, and the sign-in failure counter
//! that locks an account for a while.
//!
//! Every change of an account is written with its audit row in the same
//! transaction ([`crate::AuditEntry`]); the failure counter is bookkeeping
//! of sign-in attempts, not a change anyone made, and has no audit row.

use crate::dialect::{fetch_one, Dialect};
use crate::params::Param;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use renkei_core::{AccountId, Role, Scope};

/// An account as stored, with its organisation's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// Stored id.
    pub id: AccountId,
    /// Sign-in e-mail, lower-cased.
    pub email: String,
    /// Name of the organisation the account belongs to.
    pub organisation: String,
    /// What the account may do.
    pub role: Role,
    /// Where the account may change records.
    pub scope: Scope,
    /// argon2id PHC string; never shown or logged.
    pub password_hash: String,
    /// Failed sign-ins since the last success.
    pub failed_logins: u32,
    /// Sign-ins are refused until then (UTC).
    pub locked_until: Option<DateTime<Utc>>,
    /// When the account was made (UTC).
    pub created_at: DateTime<Utc>,
}

/// Kinds of organisation (`organisations.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrganisationKind {
    /// 都道府県 (the prefecture).
    Prefecture,
    /// A consultation desk (医療的ケア児支援センター, 地域相談窓口, 市町村窓口, 相談支援事業所).
    Desk,
    /// A region's council or office.
    Region,
    /// Anything else.
    Other,
}

impl OrganisationKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [Self::Prefecture, Self::Desk, Self::Region, Self::Other];

    /// Stored text: `prefecture`, `desk`, `region`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prefecture => "prefecture",
            Self::Desk => "desk",
            Self::Region => "region",
            Self::Other => "other",
        }
    }

    /// Parses [`OrganisationKind::as_str`] text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A new account; its organisation is made when no organisation has that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Sign-in e-mail, lower-cased.
    pub email: String,
    /// Name of its organisation.
    pub organisation: String,
    /// Kind of the organisation, used when it is made.
    pub organisation_kind: OrganisationKind,
    /// What the account may do.
    pub role: Role,
    /// Where the account may change records.
    pub scope: Scope,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// A change of an account's role, scope or password; `None` keeps the field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChange {
    /// New role.
    pub role: Option<Role>,
    /// New scope.
    pub scope: Option<Scope>,
    /// New argon2id PHC string (also clears the failure counter and lock).
    pub password_hash: Option<String>,
}

/// The columns [`SELECT_ACCOUNTS`] reads, in order.
type AccountRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i32,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

/// Every account with its organisation's name; callers add a WHERE and ORDER.
const SELECT_ACCOUNTS: &str = "SELECT a.id, a.email, o.name, a.role, a.scope, a.password_hash, \
    a.failed_logins, a.locked_until, a.created_at FROM accounts a \
    JOIN organisations o ON o.id = a.organisation_id";

fn account_from_row(row: AccountRow) -> StoreResult<AccountRecord> {
    let (id, email, organisation, role, scope, password_hash, failed, locked_until, created_at) =
        row;
    let corrupt = |reason: String| StoreError::Corrupt {
        entity: "account",
        key: id.to_string(),
        reason,
    };
    Ok(AccountRecord {
        id: AccountId(id),
        email,
        organisation,
        role: Role::parse(&role).ok_or_else(|| corrupt(format!("unknown role {role:?}")))?,
        scope: Scope::parse(&scope).map_err(|e| corrupt(e.to_string()))?,
        password_hash,
        failed_logins: u32::try_from(failed).unwrap_or(0),
        locked_until,
        created_at,
    })
}

/// Every account, ordered by e-mail.
pub(crate) async fn all<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<AccountRecord>> {
    let sql = format!("{SELECT_ACCOUNTS} ORDER BY a.email");
    let rows: Vec<AccountRow> = D::fetch(conn, &sql, &[]).await?;
    rows.into_iter().map(account_from_row).collect()
}

/// The account with this e-mail (lower-cased by the caller), if any.
pub(crate) async fn by_email<D: Dialect>(
    conn: &mut D::Connection,
    email: &str,
) -> StoreResult<Option<AccountRecord>> {
    let sql = format!("{SELECT_ACCOUNTS} WHERE a.email = $1");
    let rows: Vec<AccountRow> = D::fetch(conn, &sql, &[&email]).await?;
    rows.into_iter().next().map(account_from_row).transpose()
}

/// The account with this id; [`StoreError::NotFound`] when there is none.
pub(crate) async fn by_id<D: Dialect>(
    conn: &mut D::Connection,
    id: AccountId,
) -> StoreResult<AccountRecord> {
    let sql = format!("{SELECT_ACCOUNTS} WHERE a.id = $1");
    let rows: Vec<AccountRow> = D::fetch(conn, &sql, &[&id.0]).await?;
    rows.into_iter()
        .next()
        .map(account_from_row)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound {
            entity: "account",
            key: id.to_string(),
        })
}

/// Inserts `account` (and its organisation when new) inside the transaction `conn`.
pub(crate) async fn insert<D: Dialect>(
    conn: &mut D::Connection,
    account: &NewAccount,
    now: DateTime<Utc>,
) -> StoreResult<AccountId> {
    let upsert_org = "INSERT INTO organisations (name, kind, created_at) VALUES ($1, $2, $3) \
        ON CONFLICT (name) DO NOTHING";
    let args: [&dyn Param; 3] = [
        &account.organisation.as_str(),
        &account.organisation_kind.as_str(),
        &now,
    ];
    D::execute(conn, upsert_org, &args).await?;
    let insert = "INSERT INTO accounts (organisation_id, email, password_hash, role, scope, \
        created_at, updated_at) SELECT id, $2, $3, $4, $5, $6, $6 FROM organisations \
        WHERE name = $1 RETURNING id";
    let scope = account.scope.to_text();
    let args: [&dyn Param; 6] = [
        &account.organisation.as_str(),
        &account.email.as_str(),
        &account.password_hash.as_str(),
        &account.role.as_str(),
        &scope,
        &now,
    ];
    let (id,) = fetch_one::<D, (i64,)>(conn, insert, &args).await?;
    Ok(AccountId(id))
}

/// Applies `change` to account `id` inside the transaction `conn`.
pub(crate) async fn update<D: Dialect>(
    conn: &mut D::Connection,
    id: AccountId,
    change: &AccountChange,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let role = change.role.map(Role::as_str);
    let scope = change.scope.as_ref().map(Scope::to_text);
    let sql = "UPDATE accounts SET role = COALESCE($2, role), scope = COALESCE($3, scope), \
        password_hash = COALESCE($4, password_hash), \
        failed_logins = CASE WHEN $4 IS NULL THEN failed_logins ELSE 0 END, \
        locked_until = CASE WHEN $4 IS NULL THEN locked_until ELSE NULL END, \
        updated_at = $5 WHERE id = $1";
    let args: [&dyn Param; 5] = [
        &id.0,
        &role,
        &scope.as_deref(),
        &change.password_hash.as_deref(),
        &now,
    ];
    if D::execute(conn, sql, &args).await? == 0 {
        return Err(StoreError::NotFound {
            entity: "account",
            key: id.to_string(),
        });
    }
    Ok(())
}

/// Counts one failed sign-in of account `id`; when the count reaches
/// `lock_after`, locks it until `lock_until`. Returns the new count and lock.
pub(crate) async fn count_failure<D: Dialect>(
    conn: &mut D::Connection,
    id: AccountId,
    lock_after: u32,
    lock_until: DateTime<Utc>,
) -> StoreResult<(u32, Option<DateTime<Utc>>)> {
    let sql = "UPDATE accounts SET failed_logins = failed_logins + 1, \
        locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END \
        WHERE id = $1 RETURNING failed_logins, locked_until";
    let limit = i32::try_from(lock_after).unwrap_or(i32::MAX);
    let args: [&dyn Param; 3] = [&id.0, &limit, &lock_until];
    let (failed, locked) = fetch_one::<D, (i32, Option<DateTime<Utc>>)>(conn, sql, &args).await?;
    Ok((u32::try_from(failed).unwrap_or(0), locked))
}

/// Clears account `id`'s failure counter and lock after a successful sign-in.
pub(crate) async fn clear_failures<D: Dialect>(
    conn: &mut D::Connection,
    id: AccountId,
) -> StoreResult<()> {
    let sql = "UPDATE accounts SET failed_logins = 0, locked_until = NULL \
        WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)";
    D::execute(conn, sql, &[&id.0]).await?;
    Ok(())
}
