//! Events for the billing system on the stack's EventBridge bus (`EVENT_BUS_NAME`): source
//! `kundenportal`, a detail type per event, the detail as JSON. The template routes every event
//! of the bus to a log group as well; locally moto does the same, which is how tests read them.

use super::StoreError;

pub const SOURCE: &str = "kundenportal";

pub struct Events {
    client: std::sync::OnceLock<aws_sdk_eventbridge::Client>,
    /// How to build the client on first use: functions that publish nothing neither build nor
    /// link it.
    recipe: (aws_config::SdkConfig, Option<crate::store::calls::CallLog>),
    bus: String,
}

impl Events {
    pub fn lazy(
        sdk: &aws_config::SdkConfig,
        log: Option<crate::store::calls::CallLog>,
        bus: &str,
    ) -> Self {
        Events {
            client: std::sync::OnceLock::new(),
            recipe: (sdk.clone(), log),
            bus: bus.to_string(),
        }
    }

    fn client(&self) -> &aws_sdk_eventbridge::Client {
        self.client.get_or_init(|| {
            let (sdk, log) = &self.recipe;
            let mut config = aws_sdk_eventbridge::config::Builder::from(sdk);
            if let Some(log) = log {
                config.push_interceptor(aws_sdk_eventbridge::config::SharedInterceptor::new(
                    log.clone(),
                ));
            }
            aws_sdk_eventbridge::Client::from_conf(config.build())
        })
    }

    /// Publishes one event; an entry EventBridge refuses is an error like a failed call.
    pub async fn publish(
        &self,
        detail_type: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let entry = aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(SOURCE)
            .detail_type(detail_type)
            .detail(detail.to_string())
            .build();
        let output = self
            .client()
            .put_events()
            .entries(entry)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("publish event", e))?;
        if output.failed_entry_count() > 0 {
            let reason = output
                .entries()
                .iter()
                .filter_map(|e| e.error_code())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(StoreError::from_sdk(
                "publish event",
                std::io::Error::other(format!("entry refused: {reason}")),
            ));
        }
        Ok(())
    }
}
