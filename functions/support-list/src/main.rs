//! Lambda function `support-list`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::SUPPORT_LIST)
}
