//! Application state, built once at init and shared by every invocation.

use crate::config::{Config, ConfigError};
use crate::store::calls::CallLog;
use crate::store::company::CompanyStore;
use crate::store::contracts::ContractStore;
use crate::store::documents::{DocumentStore, FileStore};
use crate::store::events::Events;
use crate::store::feedback::FeedbackStore;
use crate::store::notifications::NotificationStore;
use crate::store::support::SupportStore;
use crate::store::{auth::AuthStore, directory::Directory, mail::Mailer};
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::config::SharedInterceptor;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
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
    pub companies: CompanyStore,
    pub feedback: FeedbackStore,
    pub support: SupportStore,
    pub notifications: NotificationStore,
    pub contracts: ContractStore,
    pub events: Events,
    pub mailer: Mailer,
    pub clock: Clock,
}

impl App {
    /// Reads and validates the configuration, reads the secrets `route` gets at init (see
    /// [`crate::secrets`]), then builds the SDK clients once.
    pub async fn from_env(route: &crate::routes::Route) -> Result<App, ConfigError> {
        let mut config = Config::from_env()?;
        let sdk = lambda_sdk_config(|name| std::env::var(name).ok())?;
        if let Some(read) = route.read_at_init {
            read(&mut config, &sdk, route.secrets).await?;
        }
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
            companies: CompanyStore::new(dynamo.clone(), &config.portal_table),
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

/// A function's SDK configuration, taken straight from the variables Lambda sets: the region
/// (`AWS_REGION`), the execution role's credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`), and optionally `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`,
/// `AWS_USE_FIPS_ENDPOINT` and `AWS_USE_DUALSTACK_ENDPOINT`. A missing one stops the function at
/// init with its name.
///
/// This is what `aws_config::load` would find first on Lambda anyway, without its loader: the
/// provider chains (profiles, SSO, web identity with its STS client, ECS, IMDS) are neither run
/// nor linked, which keeps the functions' binaries and cold starts small (see `make bench`).
/// Tools that run on an operator's machine use [`load_sdk_config`] with the whole chain.
pub fn lambda_sdk_config(
    lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> Result<SdkConfig, ConfigError> {
    let lookup: Arc<Lookup> = Arc::new(lookup);
    use aws_sdk_dynamodb::config::{Credentials, Region, SharedCredentialsProvider};
    let get = |name: &'static str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
    let flag = |name: &'static str| -> Result<Option<bool>, ConfigError> {
        match get(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(None),
            Some(v) if v == "true" => Ok(Some(true)),
            Some(v) if v == "false" => Ok(Some(false)),
            Some(_) => Err(ConfigError::Invalid {
                name,
                reason: "expected true or false".into(),
            }),
        }
    };
    let region = get("AWS_REGION")
        .or_else(|| get("AWS_DEFAULT_REGION"))
        .ok_or(ConfigError::Missing("AWS_REGION"))?;
    let credentials = Credentials::new(
        required("AWS_ACCESS_KEY_ID")?,
        required("AWS_SECRET_ACCESS_KEY")?,
        get("AWS_SESSION_TOKEN"),
        None,
        "Environment",
    );
    let mut sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .http_client(http_client());
    sdk.set_use_fips(flag("AWS_USE_FIPS_ENDPOINT")?);
    sdk.set_use_dual_stack(flag("AWS_USE_DUALSTACK_ENDPOINT")?);
    sdk.set_endpoint_url(get("AWS_ENDPOINT_URL"));
    Ok(sdk.service_config(ServiceEndpoints(lookup)).build())
}

/// `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_S3`), the one per-service setting the
/// clients ask the environment for; `AWS_ENDPOINT_URL` applies to the services without one.
struct ServiceEndpoints(Arc<Lookup>);

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl std::fmt::Debug for ServiceEndpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceEndpoints")
    }
}

impl aws_types::service_config::LoadServiceConfig for ServiceEndpoints {
    fn load_config(&self, key: aws_types::service_config::ServiceConfigKey<'_>) -> Option<String> {
        if key.env() != "AWS_ENDPOINT_URL" {
            return None;
        }
        let service: String = key
            .service_id()
            .chars()
            .map(|c| {
                if c == ' ' {
                    '_'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        (self.0)(&format!("AWS_ENDPOINT_URL_{service}"))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

/// The SDK configuration from the environment and the usual provider chains (profiles included),
/// for tools on an operator's machine, with one rustls/ring HTTPS client instead of the SDK's
/// default TLS stack.
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
pub fn http_client() -> SharedHttpClient {
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
    let client = match tls::TlsContext::builder().with_trust_store(trust).build() {
        Ok(context) => builder.tls_context(context).build_https(),
        // Cannot happen with rustls (only s2n-tls rejects settings here); keep the defaults.
        Err(_) => builder.build_https(),
    };
    if custom_https_endpoint {
        client
    } else {
        SharedHttpClient::new(NoThrowawayConnector(client))
    }
}

/// The HTTP client above, without its check at client construction. That check builds a TLS
/// connector (the trust store parsed into a rustls configuration) and drops it, so that the
/// system's root certificates are read at init rather than at the first request. Our roots are
/// compiled in, and the connector that requests use is built (once, then cached) at the first
/// request either way, so the check only cost every SDK client's construction the same work
/// again: about a third of building the DynamoDB client at a cold start. With a custom HTTPS
/// endpoint (the system's roots) the check stays.
#[derive(Debug)]
struct NoThrowawayConnector(SharedHttpClient);

impl aws_smithy_runtime_api::client::http::HttpClient for NoThrowawayConnector {
    fn http_connector(
        &self,
        settings: &aws_smithy_runtime_api::client::http::HttpConnectorSettings,
        components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
    ) -> aws_smithy_runtime_api::client::http::SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

#[cfg(test)]
mod tests {
    use super::lambda_sdk_config;
    use crate::config::ConfigError;
    use aws_sdk_dynamodb::config::ProvideCredentials;
    use std::collections::HashMap;

    fn lambda(vars: &[(&str, &str)]) -> Result<aws_config::SdkConfig, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        lambda_sdk_config(move |name| vars.get(name).cloned())
    }

    const ROLE: [(&str, &str); 4] = [
        ("AWS_REGION", "eu-central-1"),
        ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_SESSION_TOKEN", "token"),
    ];

    #[tokio::test]
    async fn a_function_takes_region_and_role_credentials_from_lambdas_variables() {
        let sdk = lambda(&ROLE).unwrap();
        assert_eq!(sdk.region().unwrap().as_ref(), "eu-central-1");
        let credentials = sdk
            .credentials_provider()
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(credentials.session_token(), Some("token"));
        assert_eq!(sdk.endpoint_url(), None);
        assert_eq!(sdk.use_fips(), None);
    }

    #[test]
    fn a_missing_or_invalid_aws_variable_is_named() {
        for missing in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let vars: Vec<_> = ROLE.into_iter().filter(|(k, _)| *k != missing).collect();
            assert!(
                matches!(lambda(&vars), Err(ConfigError::Missing(name)) if name == missing),
                "{missing}"
            );
        }
        let mut vars = ROLE.to_vec();
        vars.push(("AWS_USE_FIPS_ENDPOINT", "yes"));
        assert!(matches!(
            lambda(&vars),
            Err(ConfigError::Invalid {
                name: "AWS_USE_FIPS_ENDPOINT",
                ..
            })
        ));
        // Without a session token (long-lived keys, e.g. a local run) is fine.
        assert!(lambda(&ROLE[..3]).is_ok());
    }

    #[test]
    fn endpoint_settings_reach_the_clients_per_service() {
        let mut vars = ROLE.to_vec();
        vars.extend([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
        ]);
        let sdk = lambda(&vars).unwrap();
        assert_eq!(sdk.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert_eq!(sdk.use_dual_stack(), Some(true));
        let key = |service| {
            aws_types::service_config::ServiceConfigKey::builder()
                .service_id(service)
                .env("AWS_ENDPOINT_URL")
                .profile("endpoint_url")
                .build()
                .unwrap()
        };
        let services = sdk.service_config().unwrap();
        assert_eq!(
            services.load_config(key("S3")).as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(services.load_config(key("DynamoDB")), None);
    }

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
