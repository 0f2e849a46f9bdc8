//! An HTTP proxy between the SDK and the AWS stand-in that answers chosen DynamoDB operations
//! with the errors DynamoDB itself sends (throttling, internal error) and forwards everything
//! else. The SDK's retries, the handlers' answers and what is stored afterwards are then real.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};

/// An error DynamoDB answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `400 ThrottlingException`: the table's or the account's request rate is exceeded.
    Throttling,
    /// `500 InternalServerError`.
    ServerError,
}

impl Fault {
    fn response(self) -> (u16, &'static str) {
        match self {
            Fault::Throttling => (
                400,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
            ),
            Fault::ServerError => (
                500,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}"#,
            ),
        }
    }
}

struct Rule {
    operation: String,
    fault: Fault,
    remaining: Option<usize>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    injected: Vec<String>,
}

pub struct FaultProxy {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    pub async fn start(target: &str) -> FaultProxy {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let target = target.trim_end_matches('/').to_string();
        let client = reqwest::Client::new();
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, target, client) = (shared.clone(), target.clone(), client.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let (state, target, client) =
                            (state.clone(), target.clone(), client.clone());
                        async move {
                            Ok::<_, std::convert::Infallible>(
                                handle(req, &state, &target, &client).await,
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FaultProxy { url, state }
    }

    /// Answers the DynamoDB `operation` (e.g. `TransactWriteItems`, `*` for all) with `fault`,
    /// `times` times (`None`: until [`FaultProxy::clear`]).
    pub fn fail(&self, operation: &str, fault: Fault, times: Option<usize>) {
        self.state.lock().unwrap().rules.push(Rule {
            operation: operation.to_string(),
            fault,
            remaining: times,
        });
    }

    pub fn clear(&self) {
        let mut state = self.state.lock().unwrap();
        state.rules.clear();
        state.injected.clear();
    }

    /// The operations answered with a fault so far, in order.
    pub fn injected(&self) -> Vec<String> {
        self.state.lock().unwrap().injected.clone()
    }
}

async fn handle(
    req: hyper::Request<hyper::body::Incoming>,
    state: &Mutex<State>,
    target: &str,
    client: &reqwest::Client,
) -> hyper::Response<Full<Bytes>> {
    let operation = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("DynamoDB_20120810."))
        .map(str::to_string);
    if let Some(operation) = &operation {
        let mut state = state.lock().unwrap();
        let hit = state.rules.iter_mut().find(|rule| {
            (rule.operation == "*" || rule.operation == *operation) && rule.remaining != Some(0)
        });
        if let Some(rule) = hit {
            if let Some(left) = rule.remaining.as_mut() {
                *left -= 1;
            }
            let (status, body) = rule.fault.response();
            state.injected.push(operation.clone());
            return hyper::Response::builder()
                .status(status)
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amzn-requestid", "fault-injected")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
                .unwrap();
        }
    }
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut forward = client.request(parts.method, format!("{target}{path}"));
    for (name, value) in &parts.headers {
        if name != http::header::HOST && name != http::header::CONTENT_LENGTH {
            forward = forward.header(name, value);
        }
    }
    match forward.body(body).send().await {
        Ok(reply) => {
            let mut response = hyper::Response::builder().status(reply.status());
            for (name, value) in reply.headers() {
                if name != http::header::CONTENT_LENGTH && name != http::header::TRANSFER_ENCODING {
                    response = response.header(name, value);
                }
            }
            let bytes = reply.bytes().await.unwrap_or_default();
            response.body(Full::new(bytes)).unwrap()
        }
        Err(_) => hyper::Response::builder()
            .status(502)
            .body(Full::new(Bytes::new()))
            .unwrap(),
    }
}
