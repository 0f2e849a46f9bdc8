//! Lambda function `support-attachment-upload`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::SUPPORT_ATTACHMENT_UPLOAD)
}
