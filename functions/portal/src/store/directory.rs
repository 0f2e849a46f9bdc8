//! The portal table's view of who may log in: logins, their companies and roles.
//!
//! Items: `login#<email>` / `profile` (language), `login#<email>` / `member#<customer>` (role,
//! company name), mirrored as `customer#<id>` / `member#<email>` for the company's team list, and
//! `customer#<id>` / `profile` (name, customer number).

use super::{get_s, s, StoreError};
use crate::domain::email::EmailAddress;
use crate::domain::ids::{CustomerId, Role};
use crate::domain::lang::Lang;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct Login {
    pub email: EmailAddress,
    pub lang: Option<Lang>,
    pub memberships: Vec<Membership>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub number: String,
    pub name: String,
}

/// A company's logins with their roles, and the version that guards concurrent changes.
#[derive(Debug, Clone, Default)]
pub struct Team {
    pub members: Vec<(EmailAddress, Role)>,
    pub version: u64,
}

pub enum TeamChange {
    /// Add a login or change its role.
    Set(EmailAddress, Role),
    Remove(EmailAddress),
}

pub struct Directory {
    client: Client,
    table: String,
}

fn login_pk(email: &EmailAddress) -> String {
    format!("login#{}", email.as_str())
}
fn customer_pk(id: &CustomerId) -> String {
    format!("customer#{}", id.as_str())
}

impl Directory {
    pub fn new(client: Client, table: &str) -> Self {
        Directory {
            client,
            table: table.to_string(),
        }
    }

    /// The login with its companies, or `None` when the address may not log in.
    pub async fn find_login(&self, email: &EmailAddress) -> Result<Option<Login>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(login_pk(email)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("query login", e))?;
        let mut lang = None;
        let mut memberships = Vec::new();
        for item in output.items() {
            match get_s(item, "sk") {
                Some("profile") => lang = get_s(item, "lang").and_then(Lang::from_code),
                Some(sk) if sk.starts_with("member#") => {
                    let customer_id =
                        get_s(item, "customer_id").and_then(|c| CustomerId::parse(c).ok());
                    let role = get_s(item, "role").and_then(Role::from_code);
                    let (Some(customer_id), Some(role)) = (customer_id, role) else {
                        return Err(StoreError::corrupt("membership"));
                    };
                    memberships.push(Membership {
                        customer_id,
                        customer_name: get_s(item, "customer_name").unwrap_or_default().to_string(),
                        role,
                    });
                }
                _ => {}
            }
        }
        if memberships.is_empty() {
            return Ok(None);
        }
        Ok(Some(Login {
            email: email.clone(),
            lang,
            memberships,
        }))
    }

    pub async fn get_customer(&self, id: &CustomerId) -> Result<Option<Customer>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(customer_pk(id)))
            .key("sk", s("profile"))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get customer", e))?;
        Ok(output.item.map(|item| Customer {
            id: id.clone(),
            number: get_s(&item, "number").unwrap_or_default().to_string(),
            name: get_s(&item, "name").unwrap_or_default().to_string(),
        }))
    }

    /// The company's name (empty when unknown): for mails and notifications.
    pub async fn customer_name(&self, id: &CustomerId) -> Result<String, StoreError> {
        Ok(self
            .get_customer(id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default())
    }

    pub async fn put_customer(&self, customer: &Customer) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(customer_pk(&customer.id)))
            .item("sk", s("profile"))
            .item("customer_id", s(customer.id.as_str()))
            .item("number", s(&customer.number))
            .item("name", s(&customer.name))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put customer", e))?;
        Ok(())
    }

    pub async fn put_login_profile(
        &self,
        email: &EmailAddress,
        lang: Lang,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(login_pk(email)))
            .item("sk", s("profile"))
            .item("email", s(email.as_str()))
            .item("lang", s(lang.code()))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put login profile", e))?;
        Ok(())
    }

    /// Grants a login a role at a company: both directions in one transaction.
    /// Both items of a membership (by login and by company).
    fn membership_puts(
        &self,
        email: &EmailAddress,
        customer: &Customer,
        role: Role,
    ) -> Result<[Put; 2], StoreError> {
        let by_login = Put::builder()
            .table_name(&self.table)
            .item("pk", s(login_pk(email)))
            .item("sk", s(format!("member#{}", customer.id.as_str())))
            .item("customer_id", s(customer.id.as_str()))
            .item("customer_name", s(&customer.name))
            .item("role", s(role.code()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        let by_customer = Put::builder()
            .table_name(&self.table)
            .item("pk", s(customer_pk(&customer.id)))
            .item("sk", s(format!("member#{}", email.as_str())))
            .item("email", s(email.as_str()))
            .item("role", s(role.code()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        Ok([by_login, by_customer])
    }

    /// Grants a login a role at a company: both directions in one transaction.
    pub async fn put_membership(
        &self,
        email: &EmailAddress,
        customer: &Customer,
        role: Role,
    ) -> Result<(), StoreError> {
        let writes = self
            .membership_puts(email, customer, role)?
            .into_iter()
            .map(|put| TransactWriteItem::builder().put(put).build())
            .collect();
        self.client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put membership", e))?;
        Ok(())
    }

    /// The company's logins and the team's version (bumped by every team change).
    pub async fn team(&self, customer: &CustomerId) -> Result<Team, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(customer_pk(customer)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("query team", e))?;
        let mut team = Team::default();
        for item in output.items() {
            match get_s(item, "sk") {
                Some("profile") => {
                    team.version = item
                        .get("team_version")
                        .and_then(|v| v.as_n().ok())
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0)
                }
                Some(sk) if sk.starts_with("member#") => {
                    let email = get_s(item, "email").and_then(|e| EmailAddress::parse(e).ok());
                    let role = get_s(item, "role").and_then(Role::from_code);
                    if let (Some(email), Some(role)) = (email, role) {
                        team.members.push((email, role));
                    }
                }
                _ => {}
            }
        }
        Ok(team)
    }

    /// Applies one team change if the team is still at `version`; `false` when somebody else
    /// changed the team first (the caller re-reads and re-checks its rules).
    pub async fn change_team(
        &self,
        customer: &Customer,
        version: u64,
        change: TeamChange,
        activity: &crate::store::account::NewActivity,
    ) -> Result<bool, StoreError> {
        let guard = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(customer_pk(&customer.id)))
            .key("sk", s("profile"))
            .update_expression("SET team_version = :next")
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(team_version) OR team_version = :version)")
            .expression_attribute_values(":next", aws_sdk_dynamodb::types::AttributeValue::N((version + 1).to_string()))
            .expression_attribute_values(":version", aws_sdk_dynamodb::types::AttributeValue::N(version.to_string()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        let mut writes = vec![TransactWriteItem::builder().update(guard).build()];
        match change {
            TeamChange::Set(email, role) => {
                for put in self.membership_puts(&email, customer, role)? {
                    writes.push(TransactWriteItem::builder().put(put).build());
                }
            }
            TeamChange::Remove(email) => {
                for (pk, sk) in [
                    (login_pk(&email), format!("member#{}", customer.id.as_str())),
                    (
                        customer_pk(&customer.id),
                        format!("member#{}", email.as_str()),
                    ),
                ] {
                    let delete = aws_sdk_dynamodb::types::Delete::builder()
                        .table_name(&self.table)
                        .key("pk", s(pk))
                        .key("sk", s(sk))
                        .build()
                        .map_err(|e| StoreError::from_sdk("build", e))?;
                    writes.push(TransactWriteItem::builder().delete(delete).build());
                }
            }
        }
        writes.push(activity.transact_put(&self.table)?);
        super::commit(&self.client, writes, "change team").await
    }
}
