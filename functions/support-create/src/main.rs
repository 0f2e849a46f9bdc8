//! Lambda function `support-create`: see its route in `portal::routes`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::SUPPORT_CREATE).await
}
