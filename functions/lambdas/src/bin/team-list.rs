//! Lambda function `team-list`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::TEAM_LIST)
}
