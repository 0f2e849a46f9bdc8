//! Deterministic demo data: two companies and three logins, one of which belongs to both.
//! Seeding overwrites the same items every time, so it is idempotent.

use crate::DevError;
use portal::domain::email::EmailAddress;
use portal::domain::ids::{CustomerId, Role};
use portal::domain::lang::Lang;
use portal::store::directory::{Customer, Directory};

pub struct DemoLogin {
    pub email: &'static str,
    pub lang: Lang,
    /// (customer id, role)
    pub memberships: &'static [(&'static str, Role)],
    pub note: &'static str,
}

/// (id, customer number, legal name)
pub const DEMO_COMPANIES: &[(&str, &str, &str)] = &[
    ("10001", "10001", "Beispiel Maschinenbau GmbH"),
    ("10002", "10002", "Nordlicht Studio AG"),
];

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        email: "anna.schmidt@example.com",
        lang: Lang::De,
        memberships: &[("10001", Role::Owner)],
        note: "Inhaberin bei Beispiel Maschinenbau GmbH",
    },
    DemoLogin {
        email: "ben.keller@example.com",
        lang: Lang::De,
        memberships: &[("10001", Role::Billing), ("10002", Role::Owner)],
        note: "gehört zu beiden Firmen (Buchhaltung / Inhaber)",
    },
    DemoLogin {
        email: "claire.martin@example.org",
        lang: Lang::En,
        memberships: &[("10002", Role::Viewer)],
        note: "English-speaking viewer at Nordlicht Studio AG",
    },
];

fn customer(id: &str) -> Customer {
    let (id, number, name) = DEMO_COMPANIES
        .iter()
        .find(|(cid, _, _)| *cid == id)
        .expect("demo membership names a demo company");
    Customer {
        id: CustomerId::parse(id).expect("demo id is valid"),
        number: number.to_string(),
        name: name.to_string(),
    }
}

pub async fn seed(directory: &Directory) -> Result<(), DevError> {
    let failed = |e: portal::store::StoreError| DevError::msg(format!("seeding demo data: {e}"));
    for (id, _, _) in DEMO_COMPANIES {
        directory
            .put_customer(&customer(id))
            .await
            .map_err(failed)?;
    }
    for login in DEMO_LOGINS {
        let email = EmailAddress::parse(login.email).expect("demo address is valid");
        directory
            .put_login_profile(&email, login.lang)
            .await
            .map_err(failed)?;
        for (id, role) in login.memberships {
            directory
                .put_membership(&email, &customer(id), *role)
                .await
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// The table `make run` prints so a person knows whom to log in as.
pub fn describe() -> String {
    let mut out = String::from("Demo-Zugänge / demo logins:\n");
    for login in DEMO_LOGINS {
        let roles: Vec<String> = login
            .memberships
            .iter()
            .map(|(id, role)| format!("{} ({id}) als {}", customer(id).name, role.code()))
            .collect();
        out.push_str(&format!(
            "  {:<28} [{}] {}\n      {}\n",
            login.email,
            login.lang.code(),
            login.note,
            roles.join(", ")
        ));
    }
    out
}
