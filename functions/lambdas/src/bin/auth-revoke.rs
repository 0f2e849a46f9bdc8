//! Lambda function `auth-revoke`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::AUTH_REVOKE)
}
