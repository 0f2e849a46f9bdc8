//! Lambda function `account-activity`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::ACCOUNT_ACTIVITY)
}
