//! `portal-admin`: what ops need besides the deployed functions: imports from the billing
//! system and demo data. Works against AWS and against the local stack alike (same variables
//! as the functions: `PORTAL_TABLE`, `DOCUMENTS_BUCKET`, optional `AWS_ENDPOINT_URL`).

pub mod contracts;
pub mod demo;
pub mod erase;
#[doc(hidden)]
pub mod files;
pub mod import;
pub mod pdf;

/// The manifests and the "new invoice" mails are the import's (`portal_import`), shared with
/// the inbox function.
pub use portal_import::{manifest, notify};
pub mod support;

use portal::store::directory::Directory;
use portal::store::documents::{DocumentStore, FileStore};

/// The stores an import writes to, and who to tell about new invoices.
pub struct Stores {
    pub directory: Directory,
    pub documents: DocumentStore,
    pub files: FileStore,
    pub companies: portal::store::company::CompanyStore,
    pub feedback: portal::store::feedback::FeedbackStore,
    pub support: portal::store::support::SupportStore,
    pub contracts: portal::store::contracts::ContractStore,
    pub notifications: portal::store::notifications::NotificationStore,
    /// In-portal "new invoice" notifications for the company's logins (`--no-notify`: none).
    pub notify_in_portal: bool,
    pub eraser: erase::Eraser,
    /// `None`: no "new invoice" mails (not configured, demo data, or `--no-notify`).
    pub notifier: Option<notify::Notifier>,
}

impl Stores {
    pub fn new(
        sdk: &aws_config::SdkConfig,
        portal_table: &str,
        bucket: &str,
        path_style: bool,
    ) -> Stores {
        let dynamo = aws_sdk_dynamodb::Client::new(sdk);
        let s3 = portal::store::documents::s3_client(sdk, path_style);
        Stores {
            eraser: erase::Eraser {
                dynamo: dynamo.clone(),
                s3: s3.clone(),
                table: portal_table.to_string(),
                bucket: bucket.to_string(),
            },
            directory: Directory::new(dynamo.clone(), portal_table),
            documents: DocumentStore::new(dynamo.clone(), portal_table),
            files: FileStore::new(s3, bucket),
            feedback: portal::store::feedback::FeedbackStore::new(dynamo.clone(), portal_table),
            support: portal::store::support::SupportStore::new(dynamo.clone(), portal_table),
            contracts: portal::store::contracts::ContractStore::new(dynamo.clone(), portal_table),
            notifications: portal::store::notifications::NotificationStore::new(
                dynamo.clone(),
                portal_table,
            ),
            notify_in_portal: true,
            companies: portal::store::company::CompanyStore::new(dynamo, portal_table),
            notifier: None,
        }
    }

    /// From the environment: `PORTAL_TABLE`, `DOCUMENTS_BUCKET`, `S3_FORCE_PATH_STYLE`, and the
    /// SDK's own variables (region, credentials, `AWS_ENDPOINT_URL`).
    pub async fn from_env() -> Result<Stores, String> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    format!("environment variable {name} is missing (see docs/operations.md)")
                })
        };
        let table = var("PORTAL_TABLE")?;
        let bucket = var("DOCUMENTS_BUCKET")?;
        let path_style = std::env::var("S3_FORCE_PATH_STYLE").is_ok_and(|v| v == "true");
        let sdk = portal::app::load_sdk_config()
            .await
            .map_err(|e| e.to_string())?;
        let mut stores = Stores::new(&sdk, &table, &bucket, path_style);
        // Mails ("new invoice", answers to support requests) need a sender and the portal's URL.
        if let (Ok(from), Ok(base_url)) = (var("MAIL_FROM"), var("PORTAL_BASE_URL")) {
            stores.notifier = Some(notify::Notifier::new(&sdk, &from, &base_url));
        }
        Ok(stores)
    }
}

impl Stores {
    /// What an import writes to.
    pub fn targets(&self) -> portal_import::Targets<'_> {
        portal_import::Targets {
            directory: &self.directory,
            documents: &self.documents,
            files: &self.files,
            companies: &self.companies,
            contracts: &self.contracts,
            notifications: &self.notifications,
            notify_in_portal: self.notify_in_portal,
            notifier: self.notifier.as_ref(),
        }
    }
}

/// Seconds since 1970 (UTC): what portal-admin stamps its writes with.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
