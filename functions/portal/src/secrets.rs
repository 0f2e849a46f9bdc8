//! Secrets a function reads at init (`routes::SecretDelivery::ReadAtInit`): its environment
//! names the secret, and the value is fetched once with `secretsmanager:GetSecretValue` before
//! the first request. The value therefore never appears in a function's configuration, and
//! reading it takes the function's own role, not `lambda:GetFunctionConfiguration`.

use crate::config::{payment_data_key, Config, ConfigError};
use crate::routes::{RouteSecret, SecretDelivery};
use aws_types::SdkConfig;
use std::future::Future;
use std::pin::Pin;

/// `read_at_init` for one route's secrets, as `Route::read_at_init` points at it.
pub fn read_declared<'a>(
    config: &'a mut Config,
    sdk: &'a SdkConfig,
    secrets: &'static [RouteSecret],
) -> Pin<Box<dyn Future<Output = Result<(), ConfigError>> + 'a>> {
    Box::pin(read_at_init(config, sdk, secrets))
}

/// Fills `config` with the declared secrets that are read at init. A declared secret whose
/// variable is not set is left out here; the function then refuses to start naming it
/// (`Route::missing_secret`). A secret that cannot be read or is too short stops the init with
/// the variable's name and the reason, never the value.
pub async fn read_at_init<'a>(
    config: &mut Config,
    sdk: &SdkConfig,
    declared: impl IntoIterator<Item = &'a RouteSecret>,
) -> Result<(), ConfigError> {
    let mut wanted: Vec<RouteSecret> = declared
        .into_iter()
        .copied()
        .filter(|s| s.delivery() == SecretDelivery::ReadAtInit)
        .collect();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    for secret in wanted {
        match secret {
            RouteSecret::PaymentDataKey => {
                let Some(id) = config.payment_data_key_secret.clone() else {
                    continue;
                };
                let started = std::time::Instant::now();
                let value = read(&client, secret, &id).await?;
                config.payment_data_key = Some(payment_data_key(&value)?);
                // What reading at init costs the cold start (`make bench` reports it).
                tracing::info!(
                    secret = secret.variable(),
                    read_us = started.elapsed().as_micros() as u64,
                    "secret read at init"
                );
            }
            RouteSecret::ReplyKey => {
                // The key signs reply addresses; without a reply mailbox no mail carries one,
                // so a stack without replies by mail does not pay the read at every cold start.
                let (Some(id), Some(_)) = (config.reply_key_secret.clone(), &config.reply_mailbox)
                else {
                    continue;
                };
                let value = read(&client, secret, &id).await?;
                config.reply_key = Some(
                    crate::domain::reply::ReplyKey::new(value.trim().as_bytes()).map_err(|_| {
                        ConfigError::Invalid {
                            name: secret.variable(),
                            reason: "the secret it names holds fewer than 32 characters".into(),
                        }
                    })?,
                );
            }
            RouteSecret::CursorKey => {}
        }
    }
    Ok(())
}

async fn read(
    client: &aws_sdk_secretsmanager::Client,
    secret: RouteSecret,
    id: &str,
) -> Result<String, ConfigError> {
    let output = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|err| ConfigError::Invalid {
            name: secret.variable(),
            reason: format!(
                "the secret it names could not be read: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(err)
            ),
        })?;
    output.secret_string.ok_or_else(|| ConfigError::Invalid {
        name: secret.variable(),
        reason: "the secret it names holds no text".into(),
    })
}
