//! Lambda function `contracts-list`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::CONTRACTS_LIST)
}
