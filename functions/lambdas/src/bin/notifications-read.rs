//! Lambda function `notifications-read`: serves its route of `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::NOTIFICATIONS_READ)
}
