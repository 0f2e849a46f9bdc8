//! Lambda function `account-contacts-update`: see its route in `portal::routes`.

fn main() -> Result<(), lambda_http::Error> {
    portal::lambda::run(&portal::routes::ACCOUNT_CONTACTS_UPDATE)
}
