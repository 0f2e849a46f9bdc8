//! The portal table's view of who may log in: logins, their companies and roles.
//!
//! Items: `login#<email>` / `profile` (language), `login#<email>` / `member#<customer>` (role,
//! company name), mirrored as `customer#<id>` / `member#<email>` for the company's team list, and
//! `customer#<id>` / `profile` (name, customer number).

use super::{get_s, s, StoreError};
use crate::domain::email::EmailAddress;
use crate::domain::ids::{CompanyId, Role};
use crate::domain::lang::Lang;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub company_id: CompanyId,
    pub company_name: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct Login {
    pub email: EmailAddress,
    pub lang: Option<Lang>,
    pub memberships: Vec<Membership>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub id: CompanyId,
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
    /// Change a member's role (or add a login, as imports do).
    Set(EmailAddress, Role),
    /// Add a login by an owner's invitation: it also lifts an earlier removal.
    Invite(EmailAddress, Role),
    /// Add a login by activation: refused when an owner removed this address from the team.
    Activate(EmailAddress, Role),
    /// Remove a login; the address is marked removed, so it can only come back by invitation.
    Remove(EmailAddress),
}

/// The marker an owner's removal leaves (`customer#<id>` / `removed#<email>`).
fn removed_sk(email: &EmailAddress) -> String {
    format!("removed#{}", email.as_str())
}

pub struct Directory {
    client: Client,
    table: String,
}

fn login_pk(email: &EmailAddress) -> String {
    format!("login#{}", email.as_str())
}
fn company_pk(id: &CompanyId) -> String {
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
                    let company_id =
                        get_s(item, "customer_id").and_then(|c| CompanyId::parse(c).ok());
                    let role = get_s(item, "role").and_then(Role::from_code);
                    let (Some(company_id), Some(role)) = (company_id, role) else {
                        return Err(StoreError::corrupt("membership"));
                    };
                    memberships.push(Membership {
                        company_id,
                        company_name: get_s(item, "customer_name").unwrap_or_default().to_string(),
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

    pub async fn get_company(&self, id: &CompanyId) -> Result<Option<Company>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(company_pk(id)))
            .key("sk", s("profile"))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get customer", e))?;
        Ok(output.item.map(|item| Company {
            id: id.clone(),
            number: get_s(&item, "number").unwrap_or_default().to_string(),
            name: get_s(&item, "name").unwrap_or_default().to_string(),
        }))
    }

    /// The company's name (empty when unknown): for mails and notifications.
    pub async fn company_name(&self, id: &CompanyId) -> Result<String, StoreError> {
        Ok(self
            .get_company(id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default())
    }

    pub async fn put_company(&self, company: &Company) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(company_pk(&company.id)))
            .item("sk", s("profile"))
            .item("customer_id", s(company.id.as_str()))
            .item("number", s(&company.number))
            .item("name", s(&company.name))
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
        company: &Company,
        role: Role,
    ) -> Result<[Put; 2], StoreError> {
        let by_login = Put::builder()
            .table_name(&self.table)
            .item("pk", s(login_pk(email)))
            .item("sk", s(format!("member#{}", company.id.as_str())))
            .item("customer_id", s(company.id.as_str()))
            .item("customer_name", s(&company.name))
            .item("role", s(role.code()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        let by_company = Put::builder()
            .table_name(&self.table)
            .item("pk", s(company_pk(&company.id)))
            .item("sk", s(format!("member#{}", email.as_str())))
            .item("email", s(email.as_str()))
            .item("role", s(role.code()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        Ok([by_login, by_company])
    }

    /// Grants a login a role at a company: both directions in one transaction.
    pub async fn put_membership(
        &self,
        email: &EmailAddress,
        company: &Company,
        role: Role,
    ) -> Result<(), StoreError> {
        let writes = self
            .membership_puts(email, company, role)?
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

    /// Whether an owner removed `email` from the company (only an invitation lifts that).
    pub async fn was_removed(
        &self,
        company: &CompanyId,
        email: &EmailAddress,
    ) -> Result<bool, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(company_pk(company)))
            .key("sk", s(removed_sk(email)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get removal", e))?;
        Ok(output.item().is_some())
    }

    /// The company's logins and the team's version (bumped by every team change).
    pub async fn team(&self, company: &CompanyId) -> Result<Team, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(company_pk(company)))
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
        company: &Company,
        version: u64,
        change: TeamChange,
        activity: &crate::store::company::NewActivity,
    ) -> Result<bool, StoreError> {
        let guard = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(company_pk(&company.id)))
            .key("sk", s("profile"))
            .update_expression("SET team_version = :next")
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(team_version) OR team_version = :version)")
            .expression_attribute_values(":next", aws_sdk_dynamodb::types::AttributeValue::N((version + 1).to_string()))
            .expression_attribute_values(":version", aws_sdk_dynamodb::types::AttributeValue::N(version.to_string()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        let mut writes = vec![TransactWriteItem::builder().update(guard).build()];
        let marker = |email: &EmailAddress| (s(company_pk(&company.id)), s(removed_sk(email)));
        match change {
            TeamChange::Set(email, role) => {
                for put in self.membership_puts(&email, company, role)? {
                    writes.push(TransactWriteItem::builder().put(put).build());
                }
            }
            TeamChange::Invite(email, role) => {
                for put in self.membership_puts(&email, company, role)? {
                    writes.push(TransactWriteItem::builder().put(put).build());
                }
                let (pk, sk) = marker(&email);
                let lift = aws_sdk_dynamodb::types::Delete::builder()
                    .table_name(&self.table)
                    .key("pk", pk)
                    .key("sk", sk)
                    .build()
                    .map_err(|e| StoreError::from_sdk("build", e))?;
                writes.push(TransactWriteItem::builder().delete(lift).build());
            }
            TeamChange::Activate(email, role) => {
                for put in self.membership_puts(&email, company, role)? {
                    writes.push(TransactWriteItem::builder().put(put).build());
                }
                let (pk, sk) = marker(&email);
                let not_removed = aws_sdk_dynamodb::types::ConditionCheck::builder()
                    .table_name(&self.table)
                    .key("pk", pk)
                    .key("sk", sk)
                    .condition_expression("attribute_not_exists(pk)")
                    .build()
                    .map_err(|e| StoreError::from_sdk("build", e))?;
                writes.push(
                    TransactWriteItem::builder()
                        .condition_check(not_removed)
                        .build(),
                );
            }
            TeamChange::Remove(email) => {
                let (pk, sk) = marker(&email);
                let removed = Put::builder()
                    .table_name(&self.table)
                    .item("pk", pk)
                    .item("sk", sk)
                    .item("email", s(email.as_str()))
                    .build()
                    .map_err(|e| StoreError::from_sdk("build", e))?;
                writes.push(TransactWriteItem::builder().put(removed).build());
                for (pk, sk) in [
                    (login_pk(&email), format!("member#{}", company.id.as_str())),
                    (
                        company_pk(&company.id),
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
