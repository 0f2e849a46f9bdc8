//! Lambda function `events-contract-resolved`: the billing system's `ContractChangeResolved`
//! event closes a contract change request (declared in `portal::routes::triggered`; the work is
//! `portal::contracts::resolved_event`).

fn main() -> Result<(), lambda_http::Error> {
    portal::contracts::resolved_event::run()
}
