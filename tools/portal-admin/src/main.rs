//! `portal-admin`: see `portal_admin` and docs/operations.md.

use clap::{Parser, Subcommand};
use portal_admin::import::{self, ImportError, Kind, Options};
use portal_admin::{demo, Stores};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    version,
    about = "Ops tool of the customer portal: imports, demo data and help-centre feedback"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import customers, logins or documents from a CSV or JSONL manifest.
    Import {
        kind: Kind,
        /// The manifest (.csv with a header row, or .jsonl).
        manifest: PathBuf,
        /// Folder the `pdf` and `xml` columns are relative to (default: the manifest's folder).
        #[arg(long)]
        files: Option<PathBuf>,
        /// Import the valid rows even when others are invalid.
        #[arg(long)]
        skip_invalid: bool,
        /// Send no "new invoice" mails (they go out only when MAIL_FROM and PORTAL_BASE_URL are set).
        #[arg(long)]
        no_notify: bool,
    },
    /// Create (or refresh) the demo companies, logins and documents with PDFs.
    Demo,
    /// Erase one company for good (GDPR Art. 17): its data, documents (every file version),
    /// team memberships and the logins that belong to no other company. Without --yes it only
    /// shows what it would erase.
    EraseCustomer {
        /// The company's id (the `id` column of the customers manifest).
        customer: String,
        /// Really erase (there is no undo; PITR backups keep old data for up to 35 days).
        #[arg(long)]
        yes: bool,
    },
    /// The help centre's "Was this helpful?" counts per article (tab-separated).
    Feedback,
}

fn today() -> (u16, u8) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let date = portal::domain::documents::date_of(now);
    (date.year, date.month)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stores = match Stores::from_env().await {
        Ok(stores) => stores,
        Err(err) => {
            eprintln!("portal-admin: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::EraseCustomer { customer, yes } => {
            let Ok(id) = portal::domain::ids::CustomerId::parse(&customer) else {
                eprintln!("portal-admin: {customer:?} is not a valid customer id");
                return ExitCode::FAILURE;
            };
            return match stores.eraser.erase(&id, !yes).await {
                Ok(e) => {
                    let verb = if yes {
                        "erased"
                    } else {
                        "would erase (dry run; add --yes)"
                    };
                    println!(
                        "{verb}: {} company item(s), {} membership(s), {} login(s) of no other company, {} file version(s)",
                        e.company_items, e.memberships, e.logins, e.file_versions
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("portal-admin: {err} (nothing is lost: run it again)");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Feedback => {
            return match stores.feedback.all().await {
                Ok(rows) => {
                    println!("article\thelpful\tnot_helpful\tshare_helpful");
                    for row in rows {
                        let total = row.helpful + row.not_helpful;
                        let share = (row.helpful * 100).checked_div(total).unwrap_or(0);
                        println!(
                            "{}\t{}\t{}\t{share} %",
                            row.article, row.helpful, row.not_helpful
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("portal-admin: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Import {
            kind,
            manifest,
            files,
            skip_invalid,
            no_notify,
        } => {
            if no_notify {
                stores.notifier = None;
            } else if stores.notifier.is_none() && kind == Kind::Documents {
                eprintln!(
                    "note: no \"new invoice\" mails: set MAIL_FROM and PORTAL_BASE_URL to send them"
                );
            }
            import::run(
                &stores,
                kind,
                &manifest,
                &Options {
                    files,
                    skip_invalid,
                },
            )
            .await
        }
        Command::Demo => {
            let (year, month) = today();
            demo::seed(&stores, year, month)
                .await
                .map_err(ImportError::from)
        }
    };
    match result {
        Ok(summary) => {
            for error in &summary.errors {
                eprintln!("skipped {error}");
            }
            println!(
                "done: {} created, {} updated, {} unchanged, {} skipped, {} notification mail(s)",
                summary.created,
                summary.updated,
                summary.unchanged,
                summary.skipped,
                summary.notified
            );
            ExitCode::SUCCESS
        }
        Err(ImportError::Invalid(errors)) => {
            for error in &errors {
                eprintln!("{error}");
            }
            eprintln!(
                "{} invalid row(s): nothing was imported. Fix them, or use --skip-invalid.",
                errors.len()
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("portal-admin: {err}");
            ExitCode::FAILURE
        }
    }
}
