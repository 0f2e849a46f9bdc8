//! Lambda function `support-file`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::SUPPORT_FILE)
}
