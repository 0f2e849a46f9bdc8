//! A small Lambda Runtime API on loopback: it hands events to a real function binary and
//! collects what the binary answers, as the Lambda service would. The runtime test and the
//! cold-start benchmark use it (the latter reads when the binary first asks for work).

use bytes::Bytes;
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::{mpsc, Mutex, Notify};

/// What the function posted back for one invocation.
#[derive(Debug)]
pub enum Outcome {
    Response(serde_json::Value),
    Error(String),
    InitError(String),
}

/// An invocation waiting for the function: request id, event, deadline (ms since the epoch).
type Queued = (String, Bytes, u64);

/// The deadline of invocations without a limit of their own (far in the future).
const NO_DEADLINE_MS: u64 = 9_999_999_999_999;

pub struct RuntimeApi {
    /// `host:port`, for `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    /// When a binary first asked for an invocation (its init is done); `take_first_poll` resets.
    first_poll: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    events: Arc<Mutex<VecDeque<Queued>>>,
    ready: Arc<Notify>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
}

impl RuntimeApi {
    pub async fn start() -> RuntimeApi {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let events: Arc<Mutex<VecDeque<Queued>>> = Arc::default();
        let ready = Arc::new(Notify::new());
        let (sender, outcomes) = mpsc::unbounded_channel();
        let first_poll: Arc<std::sync::Mutex<Option<std::time::Instant>>> = Arc::default();
        let (ev, rd, fp) = (events.clone(), ready.clone(), first_poll.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let (ev, rd, sender, fp) = (ev.clone(), rd.clone(), sender.clone(), fp.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (ev, rd, sender, fp) =
                            (ev.clone(), rd.clone(), sender.clone(), fp.clone());
                        async move {
                            let path = req.uri().path().to_string();
                            let method = req.method().clone();
                            let body = req
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let text = String::from_utf8_lossy(&body).into_owned();
                            let reply = if method == Method::GET
                                && path.ends_with("/invocation/next")
                            {
                                fp.lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .get_or_insert_with(std::time::Instant::now);
                                loop {
                                    let waiting = rd.notified();
                                    if let Some((id, event, deadline_ms)) =
                                        ev.lock().await.pop_front()
                                    {
                                        break Response::builder()
                                            .header("lambda-runtime-aws-request-id", id)
                                            .header(
                                                "lambda-runtime-deadline-ms",
                                                deadline_ms.to_string(),
                                            )
                                            .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:eu-central-1:000000000000:function:test")
                                            .header("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000")
                                            .body(Full::new(event))
                                            .unwrap();
                                    }
                                    waiting.await;
                                }
                            } else {
                                let outcome = if path.ends_with("/response") {
                                    Outcome::Response(
                                        serde_json::from_str(&text)
                                            .unwrap_or(serde_json::Value::Null),
                                    )
                                } else if path.ends_with("/init/error") {
                                    Outcome::InitError(text)
                                } else {
                                    Outcome::Error(text)
                                };
                                let _ = sender.send(outcome);
                                Response::builder()
                                    .status(StatusCode::ACCEPTED)
                                    .body(Full::new(Bytes::new()))
                                    .unwrap()
                            };
                            Ok::<_, std::convert::Infallible>(reply)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        RuntimeApi {
            address,
            first_poll,
            events,
            ready,
            outcomes,
        }
    }

    /// When a binary first asked for work since the last call (None: not yet).
    pub fn take_first_poll(&self) -> Option<std::time::Instant> {
        self.first_poll
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Queues one invocation and waits for the function's answer.
    pub async fn invoke(&mut self, request_id: &str, event: &serde_json::Value) -> Outcome {
        self.queue(request_id, event, NO_DEADLINE_MS).await;
        tokio::time::timeout(std::time::Duration::from_secs(60), self.outcomes.recv())
            .await
            .expect("the function answers within 60 s")
            .expect("runtime API still running")
    }

    /// Queues one invocation with `timeout` as its deadline, as Lambda sets a function's
    /// timeout, and waits for the answer; `None` when the function did not answer in time (on
    /// Lambda the invocation would have been stopped).
    pub async fn invoke_within(
        &mut self,
        request_id: &str,
        event: &serde_json::Value,
        timeout: std::time::Duration,
    ) -> Option<Outcome> {
        let deadline = std::time::SystemTime::now() + timeout;
        let deadline_ms = deadline
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.queue(request_id, event, deadline_ms).await;
        tokio::time::timeout(timeout, self.outcomes.recv())
            .await
            .ok()
            .flatten()
    }

    async fn queue(&self, request_id: &str, event: &serde_json::Value, deadline_ms: u64) {
        self.events.lock().await.push_back((
            request_id.to_string(),
            Bytes::from(event.to_string()),
            deadline_ms,
        ));
        self.ready.notify_waiters();
    }
}
