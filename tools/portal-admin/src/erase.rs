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
    /// One `DeleteObjects` call; returns the objects S3 did not delete, with its reason.
    async fn delete_files(
        &self,
        objects: Vec<ObjectIdentifier>,
    ) -> Result<Vec<(ObjectIdentifier, String)>, String> {
        let output = self
            .s3
            .delete_objects()
            .bucket(&self.bucket)
            .delete(
                Delete::builder()
                    .set_objects(Some(objects.clone()))
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
        // With `quiet`, S3 lists only what it could not delete, each with its own error.
        Ok(output
            .errors()
            .iter()
            .filter_map(|failed| {
                let object = objects.iter().find(|o| {
                    Some(o.key()) == failed.key() && o.version_id() == failed.version_id()
                })?;
                let reason = format!(
                    "{} {}",
                    failed.code().unwrap_or("?"),
                    failed.message().unwrap_or("")
                );
                Some((object.clone(), reason))
            })
            .collect())
    }

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
        // Its documents, what its people uploaded (proofs of payment, attachments) and the
        // files support sent with its answers.
        let mut files = self
            .file_versions(&format!("documents/{}/", company.as_str()))
            .await?;
        for prefix in ["uploads", "checked", "answers"] {
            files.extend(
                self.file_versions(&format!("{prefix}/{}/", company.as_str()))
                    .await?,
            );
        }
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
            delete_with_retries(chunk.to_vec(), |objects| self.delete_files(objects)).await?;
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

/// Tries to delete `objects` up to three times, each time only those S3 refused; what still
/// fails is reported by key, version and reason, and the erasure stops there (so a re-run finds
/// the company's data and tries again) instead of reporting success.
async fn delete_with_retries<F, Fut>(
    objects: Vec<ObjectIdentifier>,
    mut delete: F,
) -> Result<(), String>
where
    F: FnMut(Vec<ObjectIdentifier>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<(ObjectIdentifier, String)>, String>>,
{
    const TRIES: usize = 3;
    let mut pending = objects;
    let mut failed = Vec::new();
    for _ in 0..TRIES {
        if pending.is_empty() {
            return Ok(());
        }
        failed = delete(pending).await?;
        pending = failed.iter().map(|(object, _)| object.clone()).collect();
    }
    if failed.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = failed
        .iter()
        .map(|(object, reason)| {
            format!(
                "{} (version {}): {reason}",
                object.key(),
                object.version_id().unwrap_or("-")
            )
        })
        .collect();
    Err(format!(
        "deleting files: {} could not be deleted after {TRIES} tries; nothing else was erased, run the command again:\n  {}",
        failed.len(),
        list.join("\n  ")
    ))
}

#[cfg(test)]
mod tests {
    use super::delete_with_retries;
    use aws_sdk_s3::types::ObjectIdentifier;
    use std::cell::RefCell;

    fn object(key: &str) -> ObjectIdentifier {
        ObjectIdentifier::builder()
            .key(key)
            .version_id("v1")
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn files_s3_refuses_are_tried_again_and_reported_when_they_keep_failing() {
        // Refused once, then deleted: success, and only the refused file was sent again.
        let calls = RefCell::new(Vec::new());
        let result = delete_with_retries(vec![object("a"), object("b")], |objects| {
            calls.borrow_mut().push(
                objects
                    .iter()
                    .map(|o| o.key().to_string())
                    .collect::<Vec<_>>(),
            );
            let first = calls.borrow().len() == 1;
            async move {
                Ok(if first {
                    vec![(objects[0].clone(), "InternalError try again".to_string())]
                } else {
                    Vec::new()
                })
            }
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(*calls.borrow(), vec![vec!["a", "b"], vec!["a"]]);

        // Refused every time: an error naming the file and the reason, after three tries.
        let tries = RefCell::new(0);
        let err = delete_with_retries(vec![object("kept.pdf")], |objects| {
            *tries.borrow_mut() += 1;
            async move {
                Ok(vec![(
                    objects[0].clone(),
                    "AccessDenied legal hold".to_string(),
                )])
            }
        })
        .await
        .unwrap_err();
        assert_eq!(*tries.borrow(), 3);
        assert!(
            err.contains("kept.pdf (version v1): AccessDenied legal hold"),
            "{err}"
        );
    }
}
