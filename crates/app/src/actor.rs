//! Who is writing: every write command takes an [`Actor`], and its audit
//! row names the actor's account and organisation.

use renkei_core::{AccountId, Role, Scope};
use renkei_store::AccountRecord;

/// The account (or the command line) a write is made by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in account; [`AccountId::SYSTEM`] for the command line.
    pub account: AccountId,
    /// The account's organisation (the audit log's "who"), or the command-line label.
    pub organisation: String,
    /// What the actor may do.
    pub role: Role,
    /// Where the actor may change records.
    pub scope: Scope,
}

impl Actor {
    /// The command line's own writes (the first admin, imports): every
    /// right, no account; `label` names the tool in the audit log, e.g.
    /// `renkei user add`.
    pub fn system(label: impl Into<String>) -> Self {
        Self {
            account: AccountId::SYSTEM,
            organisation: label.into(),
            role: Role::Admin,
            scope: Scope::All,
        }
    }

    /// The actor signed in as `account`.
    pub fn from_account(account: &AccountRecord) -> Self {
        Self {
            account: account.id,
            organisation: account.organisation.clone(),
            role: account.role,
            scope: account.scope.clone(),
        }
    }

    /// The stored account, `None` for [`Actor::system`].
    pub fn stored_account(&self) -> Option<AccountId> {
        (self.account != AccountId::SYSTEM).then_some(self.account)
    }

    /// True for the prefecture admin (and the command line).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
