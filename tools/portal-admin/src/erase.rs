//! `portal-admin erase-customer`: the GDPR erasure of one company. Deletes every item of the
//! company (profile, billing data, contacts, change and support requests, documents, activity
//! log, team), every version of its PDFs and XML files, its memberships on the logins' side,
//! its entries in support's request list, its members' notifications about it, and the logins
//! (with all their notifications) that belong to no other company. Notifications of people who
//! left the company earlier are not reachable from it; they expire after 180 days. Idempotent: after an interruption, run it again.
//! Sessions in the auth table hold no company data; without a membership they open nothing and
//! they expire on their own.

use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, WriteRequest};
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use portal::domain::ids::CompanyId;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

/// What an erasure found (dry run) or removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub company_items: usize,
    pub memberships: usize,
    pub logins: usize,
    pub file_versions: usize,
}

pub struct Eraser {
    pub dynamo: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub table: String,
    pub bucket: String,
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

impl Eraser {
    async fn partition(&self, pk: &str) -> Result<Vec<Item>, String> {
        self.dynamo
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(pk))
            .projection_expression("pk, sk, customer")
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| {
                format!(
                    "reading {pk}: {}",
                    aws_sdk_dynamodb::error::DisplayErrorContext(e)
                )
            })
    }

    async fn delete_keys(&self, keys: Vec<(String, String)>) -> Result<(), String> {
        for chunk in keys.chunks(25) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|(pk, sk)| {
                    WriteRequest::builder()
                        .delete_request(
                            DeleteRequest::builder()
                                .key("pk", s(pk))
                                .key("sk", s(sk))
                                .build()
                                .expect("key is set"),
                        )
                        .build()
                })
                .collect();
            // Unprocessed items (throttling) are retried until none are left.
            while !requests.is_empty() {
                let out = self
                    .dynamo
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(|e| {
                        format!(
                            "deleting: {}",
                            aws_sdk_dynamodb::error::DisplayErrorContext(e)
                        )
                    })?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table))
                    .unwrap_or_default();
                if !requests.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
        }
        Ok(())
    }

    async fn file_versions(&self, prefix: &str) -> Result<Vec<ObjectIdentifier>, String> {
        let mut found = Vec::new();
        let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
        loop {
            let page = self
                .s3
                .list_object_versions()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "listing {prefix}: {}",
                        aws_sdk_s3::error::DisplayErrorContext(e)
                    )
                })?;
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page
                .delete_markers()
                .iter()
                .map(|m| (m.key(), m.version_id()));
            for (key, version) in versions.chain(markers) {
                if let Some(key) = key {
                    found.push(
                        ObjectIdentifier::builder()
                            .key(key)
                            .set_version_id(version.map(str::to_string))
                            .build()
                            .expect("key is set"),
                    );
                }
            }
            if page.is_truncated() != Some(true) {
                return Ok(found);
            }
            key_marker = page.next_key_marker().map(str::to_string);
            version_marker = page.next_version_id_marker().map(str::to_string);
        }
    }

    /// Erases `customer`, or with `dry_run` only counts what would go.
    pub async fn erase(&self, company: &CompanyId, dry_run: bool) -> Result<Erased, String> {
        let company_pk = format!("customer#{}", company.as_str());
        let items = self.partition(&company_pk).await?;
        let members: Vec<String> = items
            .iter()
            .filter_map(|i| {
                i.get("sk")?
                    .as_s()
                    .ok()?
                    .strip_prefix("member#")
                    .map(str::to_string)
            })
            .collect();
        // Its documents and what its people uploaded (proofs of payment, attachments).
        let mut files = self
            .file_versions(&format!("documents/{}/", company.as_str()))
            .await?;
        files.extend(
            self.file_versions(&format!("uploads/{}/", company.as_str()))
                .await?,
        );
        let mut erased = Erased {
            company_items: items.len(),
            memberships: members.len(),
            file_versions: files.len(),
            ..Erased::default()
        };
        let mut login_keys = Vec::new();
        for email in &members {
            let login_pk = format!("login#{email}");
            let own = self.partition(&login_pk).await?;
            let other_companies = own.iter().any(|i| {
                i.get("sk").and_then(|v| v.as_s().ok()).is_some_and(|sk| {
                    sk.starts_with("member#") && *sk != format!("member#{}", company.as_str())
                })
            });
            login_keys.push((login_pk.clone(), format!("member#{}", company.as_str())));
            // Notifications (and known browsers): all of a login that goes, else those about
            // this company.
            let notify_pk = format!("notify#{email}");
            for item in self.partition(&notify_pk).await? {
                let about_this = item
                    .get("customer")
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|c| c == company.as_str());
                if let Some(sk) = item.get("sk").and_then(|v| v.as_s().ok()) {
                    if about_this || !other_companies {
                        login_keys.push((notify_pk.clone(), sk.clone()));
                    }
                }
            }
            if !other_companies {
                erased.logins += 1;
                for item in &own {
                    if let Some(sk) = item.get("sk").and_then(|v| v.as_s().ok()) {
                        login_keys.push((login_pk.clone(), sk.clone()));
                    }
                }
            }
        }
        // Support's list of every company's requests.
        for item in self.partition("support-requests").await? {
            let about_this = item
                .get("customer")
                .and_then(|v| v.as_s().ok())
                .is_some_and(|c| c == company.as_str());
            if let (true, Some(sk)) = (about_this, item.get("sk").and_then(|v| v.as_s().ok())) {
                login_keys.push(("support-requests".to_string(), sk.clone()));
            }
        }
        if dry_run {
            return Ok(erased);
        }
        for chunk in files.chunks(1000) {
            self.s3
                .delete_objects()
                .bucket(&self.bucket)
                .delete(
                    Delete::builder()
                        .set_objects(Some(chunk.to_vec()))
                        .quiet(true)
                        .build()
                        .expect("objects are set"),
                )
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "deleting files: {}",
                        aws_sdk_s3::error::DisplayErrorContext(e)
                    )
                })?;
        }
        login_keys.sort();
        login_keys.dedup();
        self.delete_keys(login_keys).await?;
        // The company's own partition last: a re-run after an interruption still finds the team.
        let company_keys = items
            .iter()
            .filter_map(|i| {
                Some((
                    i.get("pk")?.as_s().ok()?.clone(),
                    i.get("sk")?.as_s().ok()?.clone(),
                ))
            })
            .collect();
        self.delete_keys(company_keys).await?;
        Ok(erased)
    }
}
