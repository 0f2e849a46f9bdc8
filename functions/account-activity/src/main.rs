//! Lambda function `account-activity`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::ACCOUNT_ACTIVITY)
}
