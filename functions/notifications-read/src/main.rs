//! Lambda function `notifications-read`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::NOTIFICATIONS_READ)
}
