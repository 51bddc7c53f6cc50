//! `renkei user add|list|disable|reset-password`: staff accounts from the
//! command line — the first prefecture admin, and support when nobody can
//! sign in. Passwords are read from the terminal without echo, or from the
//! first line of standard input when it is not a terminal; never from argv.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::accounts::{self, AddAccount};
use renkei_app::Actor;
use renkei_core::{Role, Scope};
use renkei_store::OrganisationKind;
use std::io::{BufRead, IsTerminal};

/// What `renkei user` does.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Make an account; asks for its password (アカウントの作成).
    Add(AddArgs),
    /// List every account (アカウントの一覧).
    List(DbArgs),
    /// Disable an account: it can no longer sign in (アカウントの無効化).
    Disable(EmailArgs),
    /// Set a new password and lift a lock; asks for the password (パスワードの再設定).
    ResetPassword(EmailArgs),
}

/// The database option every `renkei user` command takes.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// `renkei user disable|reset-password EMAIL`.
#[derive(Debug, Args)]
pub struct EmailArgs {
    /// The account's e-mail.
    email: String,
    #[command(flatten)]
    db: DbArgs,
}

/// Roles as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RoleArg {
    /// 県の管理者: every record and every account.
    Admin,
    /// 圏域の編集者: records inside --scope only.
    RegionEditor,
    /// 相談窓口の職員: sees staff-only facts, edits inside --scope.
    DeskStaff,
}

/// Organisation kinds as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OrganisationKindArg {
    /// 都道府県.
    Prefecture,
    /// 相談窓口 (医療的ケア児支援センター, 地域相談窓口, 市町村窓口, 相談支援事業所).
    Desk,
    /// 圏域の協議の場・事務局.
    Region,
    /// その他.
    Other,
}

/// `renkei user add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The account's e-mail (its sign-in name).
    email: String,
    /// Role of the account.
    #[arg(long, value_enum)]
    role: RoleArg,
    /// Name of its organisation (made when new), e.g. 神奈川県 or かながわ医療的ケア児支援センター.
    #[arg(long)]
    organisation: String,
    /// Kind of the organisation, when it is made.
    #[arg(long, value_enum, default_value_t = OrganisationKindArg::Prefecture)]
    organisation_kind: OrganisationKindArg,
    /// Areas it may change: `*` for all, else 二次医療圏 (4-digit) and
    /// municipality (5-digit) codes separated by commas. A region editor needs codes.
    #[arg(long, default_value = "*")]
    scope: String,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs one `renkei user` command.
pub async fn run(command: UserCommand) -> Result<()> {
    let actor = Actor::system("renkei user (command line)");
    match command {
        UserCommand::Add(args) => {
            let store = crate::open_store(&args.db.db).await?;
            let scope = Scope::parse(&args.scope).context("--scope is not a list of area codes")?;
            let password = read_password(true)?;
            let added = accounts::add_account(
                &*store,
                &actor,
                AddAccount {
                    email: args.email,
                    organisation: args.organisation,
                    organisation_kind: match args.organisation_kind {
                        OrganisationKindArg::Prefecture => OrganisationKind::Prefecture,
                        OrganisationKindArg::Desk => OrganisationKind::Desk,
                        OrganisationKindArg::Region => OrganisationKind::Region,
                        OrganisationKindArg::Other => OrganisationKind::Other,
                    },
                    role: match args.role {
                        RoleArg::Admin => Role::Admin,
                        RoleArg::RegionEditor => Role::RegionEditor,
                        RoleArg::DeskStaff => Role::DeskStaff,
                    },
                    scope,
                    password,
                },
            )
            .await?;
            println!(
                "作成しました / added: {} ({}, {}, {})",
                added.email, added.role, added.organisation, added.scope
            );
        }
        UserCommand::List(args) => {
            let store = crate::open_store(&args.db).await?;
            let list = accounts::list_accounts(&*store, &actor).await?;
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header([
                "email",
                "role",
                "organisation",
                "scope",
                "locked until (UTC)",
                "created (UTC)",
            ]);
            for account in list {
                table.add_row([
                    account.email,
                    format!("{} ({})", account.role, account.role_label),
                    account.organisation,
                    account.scope,
                    account
                        .locked_until
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                    account.created_at.format("%Y-%m-%d %H:%M").to_string(),
                ]);
            }
            println!("{table}");
        }
        UserCommand::Disable(args) => {
            let store = crate::open_store(&args.db.db).await?;
            let account = accounts::disable_account(&*store, &actor, &args.email).await?;
            println!("無効にしました / disabled: {}", account.email);
        }
        UserCommand::ResetPassword(args) => {
            let store = crate::open_store(&args.db.db).await?;
            let password = read_password(true)?;
            let account = accounts::reset_password(&*store, &actor, &args.email, password).await?;
            println!(
                "パスワードを再設定しました / password reset: {}",
                account.email
            );
        }
    }
    Ok(())
}

/// A password from the terminal (asked twice when `confirm`) or the first
/// line of standard input.
fn read_password(confirm: bool) -> Result<String> {
    if std::io::stdin().is_terminal() {
        let password = rpassword::prompt_password("パスワード / password: ")
            .context("cannot read the password from the terminal")?;
        if confirm {
            let again = rpassword::prompt_password("もう一度 / again: ")
                .context("cannot read the password from the terminal")?;
            if again != password {
                bail!("the two passwords differ (パスワードが一致しません)");
            }
        }
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
