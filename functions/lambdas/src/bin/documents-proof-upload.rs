//! Lambda function `documents-proof-upload`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::DOCUMENTS_PROOF_UPLOAD)
}
