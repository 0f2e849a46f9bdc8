//! Application state, built once at init and shared by every invocation.

use crate::config::{Config, ConfigError};
use crate::store::account::AccountStore;
use crate::store::calls::CallLog;
use crate::store::contracts::ContractStore;
use crate::store::documents::{DocumentStore, FileStore};
use crate::store::events::Events;
use crate::store::feedback::FeedbackStore;
use crate::store::notifications::NotificationStore;
use crate::store::support::SupportStore;
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
    pub support: SupportStore,
    pub notifications: NotificationStore,
    pub contracts: ContractStore,
    pub events: Events,
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
            support: SupportStore::new(dynamo.clone(), &config.portal_table),
            notifications: NotificationStore::new(dynamo.clone(), &config.portal_table),
            account: AccountStore::new(dynamo.clone(), &config.portal_table),
            // S3 and SES only for the functions that use them (built and linked on first use).
            files: FileStore::lazy(
                sdk,
                config.s3_force_path_style,
                log.clone(),
                &config.documents_bucket,
            ),
            contracts: ContractStore::new(dynamo, &config.portal_table),
            events: Events::lazy(sdk, log.clone(), &config.event_bus),
            mailer: Mailer::lazy(sdk, log, &config),
            config,
            clock,
        }
    }
}

/// The SDK configuration from the environment (region, credentials, `AWS_ENDPOINT_URL`), with
/// one rustls/ring HTTPS client instead of the SDK's default TLS stack.
pub async fn load_sdk_config() -> Result<SdkConfig, ConfigError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http_client());
    // On Lambda the role's credentials and the region are environment variables, the first link
    // of the default chains. Taking them directly skips building the rest of the chains (web
    // identity with its own STS client, IMDS, profiles): about a third of a cold start's init.
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        loader = loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        );
    }
    if let Some(region) = std::env::var("AWS_REGION")
        .ok()
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .filter(|r| !r.trim().is_empty())
    {
        loader = loader.region(aws_config::Region::new(region));
    }
    let sdk = loader.load().await;
    if sdk.region().is_none() {
        return Err(ConfigError::Missing("AWS_REGION"));
    }
    Ok(sdk)
}

/// The root certificates that every AWS service endpoint chains to: Amazon Root CA 1–4 and
/// Starfield Services Root CA G2, the five that Amazon Trust Services asks custom trust stores to
/// hold (<https://www.amazontrust.com/repository/>). Compiled in, so a cold start neither reads
/// nor parses the system's ~140 roots (about 2.5 ms of init, measured here on a loopback
/// Runtime API).
const AWS_ROOT_CERTIFICATES: &[u8] = include_bytes!("../certs/aws-roots.pem");

/// The one HTTP client of the SDK clients: hyper 1 with rustls on ring. It trusts the AWS roots
/// above; only a custom HTTPS endpoint (`AWS_ENDPOINT_URL…=https://…`, e.g. a proxy) may use
/// another CA, so then it trusts the system's roots. A plain-HTTP endpoint (the local stand-in)
/// needs no roots at all and keeps the Lambda path, so `make bench` measures what Lambda runs.
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    let custom_https_endpoint = std::env::vars_os().any(|(name, value)| {
        name.to_string_lossy().starts_with("AWS_ENDPOINT_URL")
            && value.to_string_lossy().trim().starts_with("https://")
    });
    let trust = if custom_https_endpoint {
        tls::TrustStore::default()
    } else {
        tls::TrustStore::empty().with_pem_certificate(AWS_ROOT_CERTIFICATES)
    };
    let builder = aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(
        tls::rustls_provider::CryptoMode::Ring,
    ));
    match tls::TlsContext::builder().with_trust_store(trust).build() {
        Ok(context) => builder.tls_context(context).build_https(),
        // Cannot happen with rustls (only s2n-tls rejects settings here); keep the defaults.
        Err(_) => builder.build_https(),
    }
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;

    #[test]
    fn the_compiled_in_trust_store_holds_the_five_amazon_trust_services_roots() {
        let certs: Vec<_> = CertificateDer::pem_slice_iter(super::AWS_ROOT_CERTIFICATES)
            .collect::<Result<_, _>>()
            .expect("every root parses");
        assert_eq!(certs.len(), 5);
        let text = String::from_utf8_lossy(super::AWS_ROOT_CERTIFICATES);
        assert!(!text.contains("PRIVATE KEY"));
        for name in [
            "Amazon Root CA 1",
            "Amazon Root CA 4",
            "Starfield Services Root",
        ] {
            let der_has = certs
                .iter()
                .any(|c| c.windows(name.len()).any(|w| w == name.as_bytes()));
            assert!(der_has, "{name} is missing");
        }
        let _client = super::http_client();
    }
}
