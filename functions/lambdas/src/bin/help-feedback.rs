//! Lambda function `help-feedback`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::HELP_FEEDBACK)
}
