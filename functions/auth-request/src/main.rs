//! Lambda function `auth-request`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::AUTH_REQUEST)
}
