//! Lambda function `contracts-request`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::CONTRACTS_REQUEST)
}
