//! Structured JSON logs on stdout, one line per request (see `routes::dispatch`).
//!
//! A line: `{"timestamp":"2026-11-23T08:54:20.375509Z","level":"INFO","fields":{"message":"…",…}}`,
//! fields in the order the event names them. Spans are not logged (the runtime's invocation span
//! carries nothing the request line lacks). This small subscriber replaces `tracing-subscriber`'s
//! JSON formatter, whose span registry alone took about 40 µs of every cold start.

use crate::domain::documents::date_of;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Installs the JSON subscriber once; later calls are no-ops. The level comes from `RUST_LOG`
/// (or Lambda's `AWS_LAMBDA_LOG_LEVEL`), `info` by default.
pub fn init() {
    let setting = std::env::var("RUST_LOG")
        .or_else(|_| std::env::var("AWS_LAMBDA_LOG_LEVEL"))
        .ok();
    let subscriber = JsonLines::new(level(setting.as_deref()), |line: &[u8]| {
        let _ = std::io::stdout().lock().write_all(line);
    });
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// One level for every log line: the first plain level of the setting (`debug`, or the `warn`
/// of `warn,hyper=off`; per-module directives are not supported), `FATAL` of Lambda's log
/// levels as `error`, and `info` when there is none. Release builds compile out everything below
/// `info` from the SDK and the HTTP stack (`tracing/release_max_level_info`), which keeps the
/// binaries and their cold starts small; debug builds (`make run`, the tests) keep it.
fn level(setting: Option<&str>) -> LevelFilter {
    setting
        .into_iter()
        .flat_map(|s| s.split(','))
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .find_map(|d| match d.as_str() {
            "fatal" => Some(LevelFilter::ERROR),
            _ if !d.contains('=') => d.parse().ok(),
            _ => None,
        })
        .unwrap_or(LevelFilter::INFO)
}

/// Writes each enabled event as one JSON line through `write`.
pub struct JsonLines<W> {
    max: LevelFilter,
    write: W,
}

impl<W: Fn(&[u8]) + Send + Sync + 'static> JsonLines<W> {
    pub fn new(max: LevelFilter, write: W) -> Self {
        JsonLines { max, write }
    }
}

impl<W: Fn(&[u8]) + Send + Sync + 'static> Subscriber for JsonLines<W> {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && self.max >= *metadata.level()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.max)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mut line = String::with_capacity(256);
        line.push_str("{\"timestamp\":\"");
        timestamp(&mut line, now.as_secs(), now.subsec_micros());
        line.push_str("\",\"level\":\"");
        line.push_str(level_name(event.metadata().level()));
        line.push_str("\",\"fields\":{");
        let mut fields = JsonFields {
            out: &mut line,
            first: true,
        };
        event.record(&mut fields);
        line.push_str("}}\n");
        (self.write)(line.as_bytes());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

/// `2026-11-23T08:54:20.375509Z`.
fn timestamp(out: &mut String, seconds: u64, micros: u32) {
    let time = seconds % 86_400;
    let _ = write!(
        out,
        "{}T{:02}:{:02}:{:02}.{micros:06}Z",
        date_of(seconds),
        time / 3600,
        time / 60 % 60,
        time % 60
    );
}

struct JsonFields<'a> {
    out: &'a mut String,
    first: bool,
}

impl JsonFields<'_> {
    fn name(&mut self, field: &Field) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        json_string(self.out, field.name());
        self.out.push(':');
    }
}

impl Visit for JsonFields<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.name(field);
        match serde_json::Number::from_f64(value) {
            Some(n) => {
                let _ = write!(self.out, "{n}");
            }
            None => json_string(self.out, &value.to_string()),
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.name(field);
        let _ = write!(self.out, "{value}");
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.name(field);
        let _ = write!(self.out, "{value}");
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.name(field);
        self.out.push_str(if value { "true" } else { "false" });
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.name(field);
        json_string(self.out, value);
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.name(field);
        json_string(self.out, &value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.name(field);
        json_string(self.out, &format!("{value:?}"));
    }
}

fn json_string(out: &mut String, value: &str) {
    // Serializing a &str to JSON cannot fail.
    out.push_str(&serde_json::to_string(value).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::{level, JsonLines};
    use std::sync::{Arc, Mutex};
    use tracing::level_filters::LevelFilter;

    #[test]
    fn the_level_comes_from_the_first_plain_directive() {
        assert_eq!(level(None), LevelFilter::INFO);
        assert_eq!(level(Some("")), LevelFilter::INFO);
        assert_eq!(level(Some("DEBUG")), LevelFilter::DEBUG);
        assert_eq!(level(Some("FATAL")), LevelFilter::ERROR);
        assert_eq!(level(Some("hyper=off, warn")), LevelFilter::WARN);
        assert_eq!(level(Some("portal=debug")), LevelFilter::INFO);
        assert_eq!(level(Some("loud")), LevelFilter::INFO);
        assert_eq!(level(Some("off")), LevelFilter::OFF);
    }

    fn lines(max: LevelFilter, log: impl FnOnce()) -> Vec<serde_json::Value> {
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        let subscriber = JsonLines::new(max, move |line: &[u8]| {
            sink.lock().unwrap().extend_from_slice(line)
        });
        tracing::subscriber::with_default(subscriber, log);
        let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
        assert!(text.is_empty() || text.ends_with('\n'));
        text.lines()
            .map(|l| serde_json::from_str(l).expect("every line is JSON"))
            .collect()
    }

    #[test]
    fn events_become_one_json_line_each_with_their_fields_in_order() {
        let err = std::io::Error::other("quote \" and\nnewline");
        let got = lines(LevelFilter::INFO, || {
            let span = tracing::info_span!("invocation", request = "r-1");
            let _entered = span.enter();
            tracing::info!(
                route = "documents-list",
                status = 200u16,
                ms = 1.5,
                delta = -3i64,
                ok = true,
                "request"
            );
            tracing::error!(error = %err, "refusing to start");
            tracing::debug!("not at info");
        });
        assert_eq!(got.len(), 2);
        assert_eq!(got[0]["level"], "INFO");
        assert_eq!(
            got[0]["fields"],
            serde_json::json!({"message": "request", "route": "documents-list", "status": 200, "ms": 1.5, "delta": -3, "ok": true})
        );
        assert_eq!(got[1]["level"], "ERROR");
        assert_eq!(got[1]["fields"]["error"], "quote \" and\nnewline");
        let stamp = got[0]["timestamp"].as_str().unwrap();
        assert_eq!(stamp.len(), "2026-11-23T08:54:20.375509Z".len(), "{stamp}");
        assert!(stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T');
    }

    #[test]
    fn timestamps_are_utc_with_microseconds() {
        let mut out = String::new();
        super::timestamp(&mut out, 1_795_424_065, 361_185);
        assert_eq!(out, "2026-11-23T08:54:25.361185Z");
        out.clear();
        super::timestamp(&mut out, 0, 7);
        assert_eq!(out, "1970-01-01T00:00:00.000007Z");
    }

    #[test]
    fn nothing_below_the_level_is_written() {
        assert!(lines(LevelFilter::WARN, || tracing::info!("quiet")).is_empty());
        assert_eq!(lines(LevelFilter::WARN, || tracing::warn!("loud")).len(), 1);
    }
}
