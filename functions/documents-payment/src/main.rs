//! Lambda function `documents-payment`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::DOCUMENTS_PAYMENT)
}
