//! Lambda function `team-invite`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::TEAM_INVITE)
}
