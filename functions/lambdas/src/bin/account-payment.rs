//! Lambda function `account-payment`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::ACCOUNT_PAYMENT)
}
