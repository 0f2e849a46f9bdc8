//! The auth table: pending logins (link + attempt), sessions and rate-limit counters.
//! Every secret is stored as its SHA-256 only; every item carries `expires_at` for TTL clean-up.

use super::{get_n, get_s, n, s, Item, StoreError};
use crate::domain::email::EmailAddress;
use crate::domain::ids::CompanyId;
use crate::domain::lang::Lang;
use crate::domain::secret::sha256_hex;
use crate::domain::session::CODE_MAX_TRIES;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, TransactWriteItem};
use aws_sdk_dynamodb::Client;

/// A login as requested: the link item (keyed by the token hash) and the attempt item (keyed by
/// the attempt-cookie hash, holding the code hash). `email` is `None` for an address that has
/// no login: the items are written all the same so both cases look and take alike.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    pub link_hash: String,
    pub attempt_hash: String,
    pub code_hash: String,
    pub email: Option<EmailAddress>,
    pub next: Option<String>,
    pub lang: Lang,
    pub expires_at: u64,
    /// The company an activation matched: the address becomes its member only when it redeems
    /// this link or code, never before (so an activation proves the mailbox first).
    pub activation: Option<CompanyId>,
}

/// What a link or code redeems to.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub email: Option<EmailAddress>,
    pub next: Option<String>,
    /// See `PendingLogin::activation`.
    pub activation: Option<CompanyId>,
    pub expires_at: u64,
    pub link_hash: String,
    pub attempt_hash: String,
}

/// The way back from an ownership gained by activation: whoever holds the token (mailed to the
/// company's invoice addresses and to support) can take that access away until `expires_at`.
#[derive(Debug, Clone)]
pub struct Revocation {
    pub company: CompanyId,
    pub email: EmailAddress,
    pub expires_at: u64,
}

pub enum CodeCheck {
    /// The attempt does not exist (never, used, or cleaned up).
    Unknown,
    /// All tries are used up.
    Exhausted,
    /// One more try was counted; compare against this hash.
    Counted {
        code_hash: String,
        redeemed: Redeemed,
    },
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub email: EmailAddress,
    pub company: Option<CompanyId>,
    pub created_at: u64,
    pub last_seen: u64,
    pub expires_at: u64,
}

pub enum RateDecision {
    Allowed,
    Limited { retry_after: u64 },
}

pub struct AuthStore {
    client: Client,
    table: String,
}

fn revocation_key(hash: &str) -> String {
    format!("revoke#{hash}")
}
fn link_key(hash: &str) -> String {
    format!("link#{hash}")
}
fn attempt_key(hash: &str) -> String {
    format!("attempt#{hash}")
}
fn session_key(hash: &str) -> String {
    format!("session#{hash}")
}

fn session_item(hash: &str, session: &SessionRecord) -> Item {
    let mut item = Item::new();
    item.insert("pk".into(), s(session_key(hash)));
    item.insert("email".into(), s(session.email.as_str()));
    item.insert("created_at".into(), n(session.created_at));
    item.insert("last_seen".into(), n(session.last_seen));
    item.insert("expires_at".into(), n(session.expires_at));
    if let Some(company) = &session.company {
        item.insert("customer".into(), s(company.as_str()));
    }
    item
}

impl AuthStore {
    pub fn new(client: Client, table: &str) -> Self {
        AuthStore {
            client,
            table: table.to_string(),
        }
    }

    /// Counts one hit in a fixed window for `key` (hashed: addresses and IPs are not stored);
    /// atomic, so parallel requests can never pass the limit together.
    pub async fn hit_rate_limit(
        &self,
        scope: &str,
        key: &str,
        limit: u32,
        window: u64,
        now: u64,
    ) -> Result<RateDecision, StoreError> {
        let window_start = now - now % window;
        let window_end = window_start + window;
        let pk = rate_counter_key(scope, key, window_start);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .update_expression("ADD hits :one SET expires_at = :exp")
            .condition_expression("attribute_not_exists(hits) OR hits < :limit")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(limit as u64))
            .expression_attribute_values(":exp", n(window_end + 60))
            .send()
            .await;
        match result {
            Ok(_) => Ok(RateDecision::Allowed),
            Err(err) => match err.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(_) => Ok(RateDecision::Limited {
                    retry_after: window_end - now,
                }),
                other => Err(StoreError::from_sdk("rate limit", other)),
            },
        }
    }

    /// Takes back one hit that `hit_rate_limit` counted at `at` (a request refused after it was
    /// counted). Never below zero; a counter already gone is left alone.
    pub async fn give_back_rate_limit(
        &self,
        scope: &str,
        key: &str,
        window: u64,
        at: u64,
    ) -> Result<(), StoreError> {
        let pk = rate_counter_key(scope, key, at - at % window);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .update_expression("ADD hits :minus_one")
            .condition_expression("hits > :zero")
            .expression_attribute_values(":minus_one", AttributeValue::N("-1".into()))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match err.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(_) => Ok(()),
                other => Err(StoreError::from_sdk("rate limit", other)),
            },
        }
    }

    /// Stores a revocation under its token's hash (expires by TTL after `expires_at`).
    pub async fn put_revocation(
        &self,
        token_hash: &str,
        revocation: &Revocation,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(revocation_key(token_hash)))
            .item("company", s(revocation.company.as_str()))
            .item("email", s(revocation.email.as_str()))
            .item("expires_at", n(revocation.expires_at))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put revocation", e))?;
        Ok(())
    }

    /// Uses up a revocation: deletes it and returns what it was, if there was one.
    pub async fn take_revocation(
        &self,
        token_hash: &str,
    ) -> Result<Option<Revocation>, StoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(revocation_key(token_hash)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("take revocation", e))?;
        Ok(output.attributes().and_then(|item| {
            Some(Revocation {
                company: CompanyId::parse(get_s(item, "company")?).ok()?,
                email: EmailAddress::parse(get_s(item, "email")?).ok()?,
                expires_at: get_n(item, "expires_at")?,
            })
        }))
    }

    /// Writes link and attempt items together (one transaction: never one without the other).
    pub async fn put_pending_login(&self, login: &PendingLogin) -> Result<(), StoreError> {
        let mut common: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)> = vec![
            ("lang", s(login.lang.code())),
            ("expires_at", n(login.expires_at)),
            ("link", s(&login.link_hash)),
            ("attempt", s(&login.attempt_hash)),
        ];
        if let Some(email) = &login.email {
            common.push(("email", s(email.as_str())));
        }
        if let Some(next) = &login.next {
            common.push(("next", s(next)));
        }
        if let Some(company) = &login.activation {
            common.push(("activation", s(company.as_str())));
        }
        let mut link = Put::builder()
            .table_name(&self.table)
            .item("pk", s(link_key(&login.link_hash)));
        let mut attempt = Put::builder()
            .table_name(&self.table)
            .item("pk", s(attempt_key(&login.attempt_hash)))
            .item("code", s(&login.code_hash))
            .item("tries", n(0));
        for (name, value) in common {
            link = link.item(name, value.clone());
            attempt = attempt.item(name, value);
        }
        self.client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .put(link.build().map_err(|e| StoreError::from_sdk("build", e))?)
                    .build(),
            )
            .transact_items(
                TransactWriteItem::builder()
                    .put(
                        attempt
                            .build()
                            .map_err(|e| StoreError::from_sdk("build", e))?,
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put pending login", e))?;
        Ok(())
    }

    /// Reads a link without consuming it (for the confirm page).
    pub async fn peek_link(&self, link_hash: &str) -> Result<Option<Redeemed>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(link_key(link_hash)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get link", e))?;
        output.item.as_ref().map(redeemed_from).transpose()
    }

    /// Counts one code try for an attempt, refusing once `CODE_MAX_TRIES` are used.
    pub async fn count_code_try(&self, attempt_hash: &str) -> Result<CodeCheck, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(attempt_key(attempt_hash)))
            .update_expression("ADD tries :one")
            .condition_expression("attribute_exists(pk) AND tries < :max")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(CODE_MAX_TRIES as u64))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                let code_hash = get_s(&item, "code").ok_or_else(|| StoreError::corrupt("code"))?;
                Ok(CodeCheck::Counted {
                    code_hash: code_hash.to_string(),
                    redeemed: redeemed_from(&item)?,
                })
            }
            Err(err) => match err.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(_) => {
                    let exists = self
                        .client
                        .get_item()
                        .table_name(&self.table)
                        .key("pk", s(attempt_key(attempt_hash)))
                        .consistent_read(true)
                        .send()
                        .await
                        .map_err(|e| StoreError::from_sdk("get attempt", e))?
                        .item
                        .is_some();
                    Ok(if exists {
                        CodeCheck::Exhausted
                    } else {
                        CodeCheck::Unknown
                    })
                }
                other => Err(StoreError::from_sdk("count code try", other)),
            },
        }
    }

    /// Uses up a login (its link and its attempt, so neither the link nor the code works again)
    /// and starts `session` in one transaction, together with `also` (the activity entries) and
    /// the deletion of the browser's previous session. Of parallel callers exactly one gets
    /// `true`; a failed call changes nothing, so the link still works once the store is back.
    pub async fn redeem(
        &self,
        redeemed: &Redeemed,
        session_hash: &str,
        session: &SessionRecord,
        previous_session_hash: Option<&str>,
        also: Vec<TransactWriteItem>,
    ) -> Result<bool, StoreError> {
        let build = |e| StoreError::from_sdk("build", e);
        let mut writes = Vec::with_capacity(4 + also.len());
        for key in [
            link_key(&redeemed.link_hash),
            attempt_key(&redeemed.attempt_hash),
        ] {
            let delete = Delete::builder()
                .table_name(&self.table)
                .key("pk", s(key))
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(build)?;
            writes.push(TransactWriteItem::builder().delete(delete).build());
        }
        if let Some(previous) = previous_session_hash.filter(|p| *p != session_hash) {
            let delete = Delete::builder()
                .table_name(&self.table)
                .key("pk", s(session_key(previous)))
                .build()
                .map_err(build)?;
            writes.push(TransactWriteItem::builder().delete(delete).build());
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(session_item(session_hash, session)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        writes.push(TransactWriteItem::builder().put(put).build());
        writes.extend(also);
        super::commit(&self.client, writes, "redeem login").await
    }

    /// Forgets an attempt whose tries are used up.
    pub async fn delete_attempt(&self, attempt_hash: &str) -> Result<(), StoreError> {
        self.delete_existing(attempt_key(attempt_hash)).await?;
        Ok(())
    }

    pub async fn get_session(&self, hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(session_key(hash)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get session", e))?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let email = get_s(&item, "email")
            .and_then(|e| EmailAddress::parse(e).ok())
            .ok_or_else(|| StoreError::corrupt("session email"))?;
        let number = |name: &str| get_n(&item, name).ok_or_else(|| StoreError::corrupt(name));
        Ok(Some(SessionRecord {
            email,
            company: get_s(&item, "customer").and_then(|c| CompanyId::parse(c).ok()),
            created_at: number("created_at")?,
            last_seen: number("last_seen")?,
            expires_at: number("expires_at")?,
        }))
    }

    /// Records activity (and, when given, the company acted for) on a session that still exists;
    /// returns false when it was deleted meanwhile (logout in another tab).
    pub async fn touch_session(
        &self,
        hash: &str,
        now: u64,
        company: Option<&CompanyId>,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(session_key(hash)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", n(now));
        update = match company {
            Some(company) => update
                .update_expression("SET last_seen = :now, customer = :customer")
                .expression_attribute_values(":customer", s(company.as_str())),
            None => update.update_expression("SET last_seen = :now"),
        };
        match update.send().await {
            Ok(_) => Ok(true),
            Err(err) => match err.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(_) => Ok(false),
                other => Err(StoreError::from_sdk("touch session", other)),
            },
        }
    }

    pub async fn delete_session(&self, hash: &str) -> Result<(), StoreError> {
        self.delete_existing(session_key(hash)).await?;
        Ok(())
    }

    /// Deletes an item if it exists and returns what it held; `None` when another caller was first.
    async fn delete_existing(&self, pk: String) -> Result<Option<Item>, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => Ok(output.attributes),
            Err(err) => match err.into_service_error() {
                DeleteItemError::ConditionalCheckFailedException(_) => Ok(None),
                other => Err(StoreError::from_sdk("delete", other)),
            },
        }
    }
}

fn redeemed_from(item: &Item) -> Result<Redeemed, StoreError> {
    Ok(Redeemed {
        email: get_s(item, "email").and_then(|e| EmailAddress::parse(e).ok()),
        next: get_s(item, "next").map(str::to_string),
        activation: get_s(item, "activation").and_then(|c| CompanyId::parse(c).ok()),
        expires_at: get_n(item, "expires_at").ok_or_else(|| StoreError::corrupt("expires_at"))?,
        link_hash: get_s(item, "link")
            .ok_or_else(|| StoreError::corrupt("link"))?
            .to_string(),
        attempt_hash: get_s(item, "attempt")
            .ok_or_else(|| StoreError::corrupt("attempt"))?
            .to_string(),
    })
}

/// The item of one rate counter: scope, hashed key (addresses and IPs are not stored), window.
pub fn rate_counter_key(scope: &str, key: &str, window_start: u64) -> String {
    format!("rate#{scope}#{}#{window_start}", sha256_hex(key.as_bytes()))
}
