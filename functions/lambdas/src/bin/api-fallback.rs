//! Lambda function `api-fallback`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::API_FALLBACK)
}
