//! The baseline of the cold-start benchmark on a single-threaded Tokio runtime, the runtime the
//! portal's functions use (`portal::lambda::run`). `make bench` reports it next to the baseline,
//! so the table shows how much of a function's init the runtime choice saves by itself.

use lambda_http::{service_fn, Body, Error, Request, Response};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_request: Request| async {
        Ok::<_, Error>(Response::new(Body::from("hello")))
    }))
    .await
}
