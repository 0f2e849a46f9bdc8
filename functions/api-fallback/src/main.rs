//! Lambda function `api-fallback`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::API_FALLBACK)
}
