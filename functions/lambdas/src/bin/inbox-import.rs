//! Lambda function `inbox-import`: imports a batch of the import inbox when its marker arrives
//! (declared in `portal::routes::triggered`; the work is `portal_import::inbox`).

fn main() -> Result<(), lambda_http::Error> {
    portal_import::inbox::run()
}
