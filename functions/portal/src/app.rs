//! Application state, built once at init and shared by every invocation.

use crate::config::{Config, ConfigError};
use crate::store::account::AccountStore;
use crate::store::calls::CallLog;
use crate::store::documents::{DocumentStore, FileStore};
use crate::store::feedback::FeedbackStore;
use crate::store::{auth::AuthStore, directory::Directory, mail::Mailer};
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::config::SharedInterceptor;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock seconds. The offset lets tests move time forward to cross expiry limits; in
/// production it stays 0.
#[derive(Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    pub fn now(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        (real + self.offset.load(Ordering::Relaxed)).max(0) as u64
    }

    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }
}

pub struct App {
    pub config: Config,
    pub auth: AuthStore,
    pub directory: Directory,
    pub documents: DocumentStore,
    pub files: FileStore,
    pub account: AccountStore,
    pub feedback: FeedbackStore,
    pub mailer: Mailer,
    pub clock: Clock,
}

impl App {
    /// Reads and validates the configuration, then builds the SDK clients once.
    pub async fn from_env() -> Result<App, ConfigError> {
        let config = Config::from_env()?;
        let sdk = load_sdk_config().await?;
        Ok(App::new(config, &sdk, Clock::system()))
    }

    pub fn new(config: Config, sdk: &SdkConfig, clock: Clock) -> App {
        App::with_call_log(config, sdk, clock, None)
    }

    /// Like `new`, with every AWS call noted in `log` (tests and `make bench`).
    pub fn with_call_log(
        config: Config,
        sdk: &SdkConfig,
        clock: Clock,
        log: Option<CallLog>,
    ) -> App {
        let mut dynamo = aws_sdk_dynamodb::config::Builder::from(sdk);
        if let Some(log) = &log {
            dynamo.push_interceptor(SharedInterceptor::new(log.clone()));
        }
        let dynamo = aws_sdk_dynamodb::Client::from_conf(dynamo.build());
        App {
            auth: AuthStore::new(dynamo.clone(), &config.auth_table),
            directory: Directory::new(dynamo.clone(), &config.portal_table),
            documents: DocumentStore::new(dynamo.clone(), &config.portal_table),
            feedback: FeedbackStore::new(dynamo.clone(), &config.portal_table),
            account: AccountStore::new(dynamo, &config.portal_table),
            // S3 and SES only for the functions that use them (built and linked on first use).
            files: FileStore::lazy(
                sdk,
                config.s3_force_path_style,
                log.clone(),
                &config.documents_bucket,
            ),
            mailer: Mailer::lazy(sdk, log, &config),
            config,
            clock,
        }
    }
}

/// The SDK configuration from the environment (region, credentials, `AWS_ENDPOINT_URL`), with
/// one rustls/ring HTTPS client instead of the SDK's default TLS stack.
pub async fn load_sdk_config() -> Result<SdkConfig, ConfigError> {
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .load()
        .await;
    if sdk.region().is_none() {
        return Err(ConfigError::Missing("AWS_REGION"));
    }
    Ok(sdk)
}

/// The one HTTP client of the SDK clients: hyper 1 with rustls on ring.
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}
