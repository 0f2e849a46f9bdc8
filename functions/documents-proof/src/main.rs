//! Lambda function `documents-proof`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::DOCUMENTS_PROOF)
}
