//! `make template`: rewrites the generated function part of `infra/template.yaml` from the
//! route table (functions, IAM policies, log groups, alarms).

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/template.yaml");
    let current = std::fs::read_to_string(&path).expect("read infra/template.yaml");
    match devstack::infra::regenerate(&current) {
        Ok(updated) if updated == current => println!("infra/template.yaml is up to date"),
        Ok(updated) => {
            std::fs::write(&path, updated).expect("write infra/template.yaml");
            println!("infra/template.yaml: regenerated the functions from the route table");
        }
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(1);
        }
    }
}
