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
        company: String,
        /// Really erase (there is no undo; PITR backups keep old data for up to 35 days).
        #[arg(long)]
        yes: bool,
    },
    /// The help centre's "Was this helpful?" counts per article (tab-separated).
    Feedback,
    /// Support requests from the portal: list them, answer them.
    #[command(subcommand)]
    Support(SupportCommand),
    /// Contract change requests from the portal.
    #[command(subcommand)]
    Contracts(ContractsCommand),
    /// Files in the documents bucket: proofs of payment and support attachments customers
    /// uploaded (the mails to support name their keys), or documents.
    #[command(subcommand)]
    Files(FilesCommand),
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Save one file, e.g. `portal-admin files get uploads/K-1001/proof/…/… --out beleg.pdf`.
    Get {
        /// The object key (starts with `uploads/` or `documents/`).
        key: String,
        /// Where to save it (default: the key's last part in the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ContractsCommand {
    /// Close a pending change request once the billing system applied (--done) or refused
    /// (--rejected) it; import the contracts again so the portal shows the new state.
    Resolve {
        company: String,
        /// The request's id (from the mail to support or the ContractChangeRequested event).
        request: String,
        #[arg(
            long,
            conflicts_with = "rejected",
            required_unless_present = "rejected"
        )]
        done: bool,
        #[arg(long)]
        rejected: bool,
    },
}

#[derive(Subcommand)]
enum SupportCommand {
    /// Every company's requests, newest first (tab-separated).
    List {
        /// Only requests in this status: open, in_progress, answered, closed.
        #[arg(long)]
        status: Option<String>,
    },
    /// Answer a request and/or set its status; the company's logins get a notification in the
    /// portal, the writer a mail (with MAIL_FROM and PORTAL_BASE_URL set).
    Answer {
        /// The company's id.
        company: String,
        /// The request's id (`portal-admin support list`).
        id: String,
        /// The answer (line breaks allowed; up to 4,000 characters).
        #[arg(long)]
        text: Option<String>,
        /// The new status (default with --text: answered).
        #[arg(long)]
        status: Option<String>,
    },
}

fn status_arg(raw: Option<&str>) -> Result<Option<portal::store::support::Status>, String> {
    raw.map(|code| {
        portal::store::support::Status::from_code(code)
            .ok_or_else(|| format!("--status {code:?}: use open, in_progress, answered or closed"))
    })
    .transpose()
}

fn today() -> (u16, u8) {
    let date = portal::domain::documents::date_of(portal_admin::now());
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
        Command::EraseCustomer { company, yes } => {
            let Ok(id) = portal::domain::ids::CompanyId::parse(&company) else {
                eprintln!("portal-admin: {company:?} is not a valid customer id");
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
        Command::Contracts(ContractsCommand::Resolve {
            company,
            request,
            done,
            rejected: _,
        }) => {
            return match portal_admin::contracts::resolve(
                &stores,
                &company,
                &request,
                done,
                portal_admin::now(),
            )
            .await
            {
                Ok(resolved) => {
                    println!(
                        "request {} ({} of contract {}): {}",
                        resolved.id,
                        resolved.kind.code(),
                        resolved.contract,
                        resolved.status.code()
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("portal-admin: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Files(FilesCommand::Get { key, out }) => {
            let outcome = portal_admin::files::get(&stores, &key, out.as_deref()).await;
            return match outcome {
                Ok(path) => {
                    println!("saved {key} as {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("portal-admin: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Support(command) => {
            let outcome = match command {
                SupportCommand::List { status } => match status_arg(status.as_deref()) {
                    Err(err) => Err(err),
                    Ok(status) => portal_admin::support::list(&stores, status)
                        .await
                        .map(|rows| {
                            println!("customer\tid\tstatus\tcreated\tcategory\tsubject");
                            for row in rows {
                                println!(
                                    "{}\t{}\t{}\t{}\t{}\t{}",
                                    row.company,
                                    row.id,
                                    row.status.code(),
                                    portal::domain::documents::date_of(row.created_at),
                                    row.category.code(),
                                    row.subject
                                );
                            }
                        }),
                },
                SupportCommand::Answer {
                    company,
                    id,
                    text,
                    status,
                } => match status_arg(status.as_deref()) {
                    Err(err) => Err(err),
                    Ok(status) => portal_admin::support::answer(
                        &stores,
                        &company,
                        &id,
                        text.as_deref(),
                        status,
                        portal_admin::now(),
                    )
                    .await
                    .map(|done| {
                        println!(
                            "request {id}: {}; {} login(s) notified in the portal{}",
                            done.status.code(),
                            done.notified,
                            if done.mailed {
                                ", the writer by mail"
                            } else {
                                " (no mail: MAIL_FROM/PORTAL_BASE_URL not set or the writer left)"
                            }
                        )
                    }),
                },
            };
            return match outcome {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("portal-admin: {err}");
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
                stores.notify_in_portal = false;
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
                "done: {} created, {} updated, {} unchanged, {} skipped, {} notification mail(s), {} change request(s) done",
                summary.created,
                summary.updated,
                summary.unchanged,
                summary.skipped,
                summary.notified,
                summary.resolved
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
