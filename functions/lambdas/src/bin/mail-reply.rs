//! Lambda function `mail-reply`: takes support's replies that SES stored under `mail/` of the
//! inbox bucket (declared in `portal::routes::triggered`; the work is
//! `portal::support::replies`).

fn main() -> Result<(), lambda_http::Error> {
    portal::support::replies::run()
}
