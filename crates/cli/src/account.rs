//! `okusuri setup` (初期設定, as the window's first run) and `okusuri staff
//! add | list` (administrators), so a site can script its set-up.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use okusuri_store::{DataDir, FacilitySetup, NewStaff, Role, Via};

use crate::signin::{finish, open_app, open_signed_in, password};

/// `okusuri setup`: the facility and its first administrator.
#[derive(Debug, Args)]
pub struct SetupArgs {
    /// 施設ID (typed at sign-in).
    #[arg(long)]
    pub facility_id: String,
    /// 施設名.
    #[arg(long)]
    pub facility_name: String,
    /// The administrator's staff ID.
    #[arg(long)]
    pub admin_id: String,
    /// The administrator's name.
    #[arg(long)]
    pub admin_name: String,
    /// 薬局 (pharmacy) or 診療所 (clinic).
    #[arg(long, value_enum, default_value = "pharmacy")]
    pub kind: KindArg,
}

/// The kind of facility on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// 薬局.
    Pharmacy,
    /// 診療所.
    Clinic,
}

/// A staff member's role.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// 管理者.
    Admin,
    /// 薬剤師.
    Pharmacist,
    /// 医師.
    Doctor,
    /// 事務.
    Clerk,
}

/// `okusuri staff …` (administrators).
#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a staff member (their first password from a prompt or OKUSURI_NEW_PASSWORD).
    Add {
        /// Their staff ID.
        login_id: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// Their role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the staff.
    List,
}

/// The environment variable for a new staff member's first password.
const NEW_PASSWORD_ENV: &str = "OKUSURI_NEW_PASSWORD";

/// Creates the database if needed, then the facility and its administrator.
pub async fn setup(args: SetupArgs, dir: DataDir) -> Result<ExitCode, String> {
    let app = open_app(&dir).await?;
    let password = password(&format!("{} のパスワード（8文字以上）: ", args.admin_id))?;
    let setup = FacilitySetup {
        facility_code: args.facility_id,
        facility_name: args.facility_name,
        admin_login_id: args.admin_id,
        admin_name: args.admin_name,
        password,
        kind: match args.kind {
            KindArg::Pharmacy => okusuri_store::FacilityKind::Pharmacy,
            KindArg::Clinic => okusuri_store::FacilityKind::Clinic,
        },
    };
    let done = app.set_up(&setup, Via::Cli).await;
    app.store().close().await;
    let session = done.map_err(|e| e.message)?;
    println!(
        "初期設定が完了しました: 施設ID {} 管理者 {}",
        setup.facility_code,
        session.staff().login_id
    );
    Ok(ExitCode::SUCCESS)
}

/// Adds or lists staff.
pub async fn staff(
    cmd: StaffCommand,
    dir: DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let result = match cmd {
        StaffCommand::Add {
            login_id,
            name,
            role,
        } => match std::env::var(NEW_PASSWORD_ENV)
            .or_else(|_| rpassword::prompt_password(format!("{login_id} の最初のパスワード: ")))
        {
            Err(e) => Err(format!("パスワードを読み取れません（{e}）。")),
            Ok(password) => {
                let new = NewStaff {
                    login_id,
                    display_name: name,
                    role: match role {
                        RoleArg::Admin => Role::Admin,
                        RoleArg::Pharmacist => Role::Pharmacist,
                        RoleArg::Doctor => Role::Doctor,
                        RoleArg::Clerk => Role::Clerk,
                    },
                    password,
                };
                app.add_staff(&session, &new)
                    .await
                    .map(|s| {
                        println!(
                            "追加しました: {}\t{}\t{}",
                            s.login_id,
                            s.display_name,
                            s.role.as_str()
                        )
                    })
                    .map_err(|e| e.message)
            }
        },
        StaffCommand::List => app
            .list_staff(&session)
            .await
            .map(|all| {
                for s in all {
                    println!("{}\t{}\t{}", s.login_id, s.display_name, s.role.as_str());
                }
            })
            .map_err(|e| e.message),
    };
    finish(&app, &session).await;
    result.map(|()| ExitCode::SUCCESS)
}
