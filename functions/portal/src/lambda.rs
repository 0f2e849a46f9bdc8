//! The Lambda side: what each function's `main` calls.

use crate::app::App;
use crate::http::ApiRequest;
use crate::routes::Route;
use crate::telemetry;
use http::HeaderValue;
use lambda_http::request::RequestContext;
use lambda_http::{service_fn, Body, Request, RequestExt, Response};
use std::convert::Infallible;

/// Each function's `main`: serves `route` on a single-threaded Tokio runtime until the Lambda
/// runtime stops. Each binary passes its own route's static, so it links only its own handler.
///
/// Single-threaded because an execution environment gets one event at a time: a multi-threaded
/// runtime would start a worker thread per vCPU at every cold start for work that never runs in
/// parallel (a handler awaits its AWS calls one after the other, and its own CPU work runs on
/// one thread with either runtime). Nothing in the portal needs the multi-threaded runtime (no
/// `block_in_place`); DNS lookups still go to the blocking pool, which starts on demand.
pub fn run(route: &'static Route) -> Result<(), lambda_http::Error> {
    block_on(serve(route))
}

/// Runs a function's `serve` on the single-threaded runtime every function uses (see `run`):
/// the routes' functions and the event-triggered ones alike.
pub fn block_on(
    serve: impl std::future::Future<Output = Result<(), lambda_http::Error>>,
) -> Result<(), lambda_http::Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve)
}

/// Builds the app once (configuration validated, SDK clients ready) and serves `route`. Invalid
/// configuration ends the process at init, naming the variable.
async fn serve(route: &'static Route) -> Result<(), lambda_http::Error> {
    telemetry::init();
    let function = route.function;
    let app: &'static App = match App::from_env(route).await {
        Ok(app) => Box::leak(Box::new(app)),
        Err(err) => {
            tracing::error!(function, error = %err, "refusing to start");
            return Err(err.into());
        }
    };
    if let Some(variable) = route.missing_secret(&app.config) {
        let err = crate::ConfigError::Missing(variable);
        tracing::error!(function, error = %err, "refusing to start");
        return Err(err.into());
    }
    lambda_http::run(service_fn(move |event: Request| async move {
        Ok::<_, Infallible>(handle(app, route, event).await)
    }))
    .await
}

pub async fn handle(app: &App, route: &'static Route, event: Request) -> Response<Body> {
    let response = crate::pipeline::dispatch(app, route, from_lambda(event)).await;
    let mut builder = Response::builder().status(response.status);
    if let Some(headers) = builder.headers_mut() {
        headers.extend(response.headers);
    }
    let body = match String::from_utf8(response.body.to_vec()) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(err) => Body::Binary(err.into_bytes()),
    };
    builder.body(body).unwrap_or_else(|_| {
        let mut fallback = Response::new(Body::Empty);
        *fallback.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
            .headers_mut()
            .insert("cache-control", HeaderValue::from_static("no-store"));
        fallback
    })
}

fn from_lambda(event: Request) -> ApiRequest {
    let (source_ip, request_id) = match event.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => (
            ctx.http.source_ip.as_deref().and_then(|ip| ip.parse().ok()),
            ctx.request_id.clone(),
        ),
        _ => (None, None),
    };
    let request_id = request_id.unwrap_or_else(|| event.lambda_context().request_id);
    let (parts, body) = event.into_parts();
    let body = match body {
        Body::Empty => bytes::Bytes::new(),
        Body::Text(text) => bytes::Bytes::from(text),
        Body::Binary(data) => bytes::Bytes::from(data),
        _ => bytes::Bytes::new(),
    };
    let mut req = ApiRequest::new(parts.method, parts.uri.path());
    req.query = parts.uri.query().map(str::to_string);
    req.headers = parts.headers;
    req.body = body;
    req.source_ip = source_ip;
    req.request_id = request_id;
    req
}
