//! Lambda function `help-feedback`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::HELP_FEEDBACK)
}
