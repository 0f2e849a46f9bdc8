//! Lambda function `team-remove`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::TEAM_REMOVE)
}
