//! Support answers by replying to the mail (issue #18, part 2): a reply as SES would store it,
//! taken by `portal::support::replies` with the stand-in's stores, reply key and mail.

use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::domain::reply::{Receipt, Reference, ReferenceKind, ReplyAddress, ReplyKey, Verdict};
use portal::support::replies::{take, Outcome};
use portal_tests::TestPortal;
use serde_json::json;

/// The reply key the functions read at init, straight from the stand-in's Secrets Manager.
async fn reply_key(portal: &TestPortal) -> ReplyKey {
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    let value = aws_sdk_secretsmanager::Client::new(&sdk)
        .get_secret_value()
        .secret_id(&portal.env["REPLY_KEY_SECRET_ARN"])
        .send()
        .await
        .unwrap()
        .secret_string
        .unwrap();
    ReplyKey::new(value.as_bytes()).unwrap()
}

async fn reply_address(portal: &TestPortal, company: &CompanyId, request: &str) -> String {
    let mailbox = portal.app_for_seeding.config.reply_mailbox.clone().unwrap();
    let reference =
        Reference::new(ReferenceKind::SupportRequest, company.clone(), request).unwrap();
    ReplyAddress::build(&reference, &mailbox, &reply_key(portal).await)
        .unwrap()
        .as_str()
        .to_string()
}

fn passed(recipient: &str) -> Receipt {
    Receipt {
        recipients: vec![recipient.to_string()],
        spf_verdict: Verdict::Pass,
        dkim_verdict: Verdict::Pass,
        dmarc_verdict: Verdict::Pass,
        spam_verdict: Verdict::Pass,
        virus_verdict: Verdict::Pass,
        dmarc_policy: None,
    }
}

/// A Thunderbird-like German reply: new text, an attribution line and the quoted request.
fn reply_mail(from: &str, to: &str, new_text: &str) -> Vec<u8> {
    format!(
        "From: Support <{from}>\r\nTo: {to}\r\nSubject: Re: [Rechnung] Frage\r\nDate: Sat, 05 Dec 2026 10:00:00 +0100\r\nMessage-ID: <{}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{new_text}\r\n\r\nAm 05.12.26 um 09:12 schrieb Kundenportal:\r\n> Anfrage aus dem Kundenportal\r\n> Zeile 1\r\n",
        portal_tests::unique("m")
    )
    .into_bytes()
}

async fn new_request(portal: &TestPortal) -> (portal_tests::Browser, CompanyId, String, String) {
    let (mut browser, company, email) = portal
        .member_session("Antwort GmbH", Lang::De, Role::Owner)
        .await;
    let created = browser
        .post(
            "/api/support/requests",
            &json!({ "category": "invoice", "subject": "Frage", "text": "Zeile 1" }),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.json["request"]["id"].as_str().unwrap().to_string();
    (browser, company, email, id)
}

#[tokio::test]
async fn support_answers_a_request_by_replying_and_closes_it_with_a_keyword() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, email, id) = new_request(&portal).await;
    // The mail to support tells how to answer (its Reply-To is the signed address; moto does
    // not keep Reply-To, so the address is built here the way the function builds it).
    let mail = portal.mail_containing("support@example.com", &id).await;
    assert!(mail.body.contains("#erledigt"), "{}", mail.body);
    let address = reply_address(&portal, &company, &id).await;

    let raw = reply_mail(
        "support@example.com",
        &address,
        "Die Gutschrift ist unterwegs.",
    );
    let outcome = take(&portal.app_for_seeding, &raw, &passed(&address))
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Answered { .. }), "{outcome:?}");
    let shown = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(shown.json["status"], "answered", "{shown:?}");
    assert_eq!(
        shown.json["answers"][0]["text"],
        "Die Gutschrift ist unterwegs."
    );
    // The writer is told there is news (a link, not the answer).
    let mut told = false;
    for _ in 0..50 {
        let mails = portal.mailbox.to(&email).await.unwrap();
        told = mails
            .iter()
            .any(|m| m.subject.starts_with("Antwort auf Ihre Anfrage"));
        if told {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(told, "the writer is mailed");

    // "#erledigt" alone on the first line closes the request.
    let raw = reply_mail(
        "support@example.com",
        &address,
        "#erledigt\r\nGern geschehen.",
    );
    take(&portal.app_for_seeding, &raw, &passed(&address))
        .await
        .unwrap();
    let shown = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(shown.json["status"], "closed");
    assert_eq!(shown.json["answers"][1]["text"], "Gern geschehen.");
}

#[tokio::test]
async fn forged_foreign_and_unauthenticated_replies_change_nothing() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _, id) = new_request(&portal).await;
    let address = reply_address(&portal, &company, &id).await;

    // Another request's id under this signature: the tag does not verify.
    let (_, other_company, _, other_id) = new_request(&portal).await;
    let forged =
        address
            .replacen(&id, &other_id, 1)
            .replacen(company.as_str(), other_company.as_str(), 1);
    let raw = reply_mail("support@example.com", &forged, "Ich antworte woanders.");
    let outcome = take(&portal.app_for_seeding, &raw, &passed(&forged))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Refused {
            reason: "forged_reference",
            bounced: true
        }
    );

    // Someone who is not support, with a valid address (e.g. a forwarded mail).
    let raw = reply_mail("mallory@attacker.example", &address, "Alles erledigt!");
    let outcome = take(&portal.app_for_seeding, &raw, &passed(&address))
        .await
        .unwrap();
    assert!(
        matches!(
            outcome,
            Outcome::Refused {
                reason: "foreign_sender",
                ..
            }
        ),
        "{outcome:?}"
    );

    // Support's address, but DMARC failed: likely forged, and no bounce to a stranger.
    let raw = reply_mail("support@example.com", &address, "Alles erledigt!");
    let mut failed = passed(&address);
    failed.dmarc_verdict = Verdict::Fail;
    let outcome = take(&portal.app_for_seeding, &raw, &failed).await.unwrap();
    assert_eq!(
        outcome,
        Outcome::Refused {
            reason: "failed_authentication",
            bounced: false
        }
    );

    let shown = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(shown.json["status"], "open", "{shown:?}");
    assert_eq!(shown.json["answers"], json!([]));
    // The bounce explains the refusal to support's authenticated address.
    let bounces = portal.mailbox.to("support@example.com").await.unwrap();
    assert!(
        bounces
            .iter()
            .any(|m| m.subject.contains("nicht übernommen")),
        "a bounce to support"
    );
}

/// The reply address the mail to support about `item` names (in its text, as for helpdesks).
async fn mailed_reply_address(portal: &TestPortal, item: &str) -> String {
    portal
        .mail_containing("support@example.com", item)
        .await
        .reply_address()
        .expect("the support mail names its reply address")
}

/// Stores `raw` under `mail/` of the inbox bucket, as SES's receipt rule does; returns the key.
async fn store_received(portal: &TestPortal, raw: &[u8]) -> String {
    let key = format!(
        "{}{}",
        portal::routes::triggered::MAIL_PREFIX,
        portal_tests::unique("ses")
    );
    portal::store::documents::s3_client(
        &devstack::local::sdk_config(portal_tests::moto_url()),
        true,
    )
    .put_object()
    .bucket(&portal.resources.buckets["InboxBucket"])
    .key(&key)
    .body(raw.to_vec().into())
    .send()
    .await
    .unwrap();
    key
}

fn event_of(portal: &TestPortal, key: &str) -> aws_lambda_events::event::s3::S3Event {
    serde_json::from_value(devstack::watch::s3_event(
        &portal.resources.buckets["InboxBucket"],
        key,
        0,
        "\"e\"",
        1,
    ))
    .unwrap()
}

/// The deployed path: SES stores the reply under `mail/`, and its object's event (delivered
/// twice, as S3 may) makes exactly one answer, with the receipt read from the headers SES put on
/// top. The reply address is the one the support mail names.
#[tokio::test]
async fn a_reply_ses_stored_becomes_one_answer_however_often_its_event_arrives() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _company, _email, id) = new_request(&portal).await;
    let address = mailed_reply_address(&portal, &id).await;
    let raw = devstack::watch::ses_stored_mail(
        "support@example.com",
        &address,
        "Re: [Rechnung] Frage",
        "Die Gutschrift ist unterwegs.",
        &portal_tests::unique("id"),
    );
    let key = store_received(&portal, &raw).await;
    let replies = portal.mail_replies();
    let event = event_of(&portal, &key);
    replies.handle(&event).await.unwrap();
    replies.handle(&event).await.unwrap();
    assert_eq!(
        replies.take_stored(&key).await.unwrap(),
        Outcome::TakenBefore
    );
    let shown = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(shown.json["status"], "answered", "{shown:?}");
    assert_eq!(shown.json["answers"].as_array().unwrap().len(), 1);
    assert_eq!(
        shown.json["answers"][0]["text"],
        "Die Gutschrift ist unterwegs."
    );
}

/// A mail under `mail/` whose top headers are not SES's (it did not come through the receipt
/// rule) passes nothing, whatever it claims about itself: refused, no answer.
#[tokio::test]
async fn a_stored_mail_without_ses_verdicts_on_top_is_refused() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _company, _email, id) = new_request(&portal).await;
    let address = mailed_reply_address(&portal, &id).await;
    let mut raw = b"Authentication-Results: mx.elsewhere.example; spf=pass; dkim=pass; dmarc=pass\r\nX-SES-Spam-Verdict: PASS\r\n".to_vec();
    raw.extend(reply_mail(
        "support@example.com",
        &address,
        "Untergeschoben.",
    ));
    let key = store_received(&portal, &raw).await;
    let outcome = portal.mail_replies().take_stored(&key).await.unwrap();
    assert_eq!(
        outcome,
        Outcome::Refused {
            reason: "failed_authentication",
            bounced: false
        }
    );
    let shown = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(shown.json["status"], "open", "{shown:?}");
}

/// The local stack: a reply stored as SES stores it (what the dev mailbox's reply button does)
/// is answered within seconds by the watcher that stands in for the bucket notification.
#[tokio::test]
async fn the_local_stack_answers_a_stored_reply_within_seconds() {
    let portal = TestPortal::spawn().await;
    devstack::watch::spawn_replies(
        portal.app_for_seeding.config.clone(),
        &devstack::local::sdk_config(portal_tests::moto_url()),
        portal.resources.buckets["InboxBucket"].clone(),
    )
    .unwrap();
    let (mut browser, _company, _email, id) = new_request(&portal).await;
    let address = mailed_reply_address(&portal, &id).await;
    // The watcher's first listing only notes what is there already.
    tokio::time::sleep(devstack::watch::INTERVAL * 2).await;
    let raw = devstack::watch::ses_stored_mail(
        "support@example.com",
        &address,
        "Re: Frage",
        "#erledigt\nIst erledigt.",
        &portal_tests::unique("id"),
    );
    store_received(&portal, &raw).await;
    let started = std::time::Instant::now();
    loop {
        let shown = browser.get(&format!("/api/support/requests/{id}")).await;
        if shown.json["status"] == "closed" {
            assert_eq!(shown.json["answers"][0]["text"], "Ist erledigt.");
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "answered within seconds: {shown:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Support replies with a PDF (issue #18): the file is kept with the answer, the customer
/// downloads it under the sender's file name, and nobody of another company reaches it.
#[tokio::test]
async fn a_file_sent_with_a_reply_is_downloaded_from_the_answer_by_its_company_only() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _company, _email, id) = new_request(&portal).await;
    let address = mailed_reply_address(&portal, &id).await;
    let pdf = b"%PDF-1.4\n% Gutschrift\n%%EOF\n";
    let raw = devstack::watch::ses_stored_mail_with_files(
        "support@example.com",
        &address,
        "Re: Frage",
        "Anbei die Gutschrift.",
        &[("Gutschrift März.pdf", "application/pdf", pdf)],
        &portal_tests::unique("id"),
    );
    let key = store_received(&portal, &raw).await;
    let outcome = portal.mail_replies().take_stored(&key).await.unwrap();
    assert!(matches!(outcome, Outcome::Answered { .. }), "{outcome:?}");

    let shown = browser.get(&format!("/api/support/requests/{id}")).await;
    let files = &shown.json["answers"][0]["files"];
    assert_eq!(files.as_array().unwrap().len(), 1, "{shown:?}");
    assert_eq!(files[0]["name"], "Gutschrift März.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[0]["size"], pdf.len());
    assert!(files[0].get("key").is_none(), "the bucket key stays inside");
    let file = files[0]["id"].as_str().unwrap();
    let reply = browser
        .get(&format!("/api/support/requests/{id}/files/{file}"))
        .await;
    assert_eq!(reply.status, 303, "{reply:?}");
    let download = reqwest::get(reply.header("location").unwrap())
        .await
        .unwrap();
    assert_eq!(
        download.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"Gutschrift M_rz.pdf\"; filename*=UTF-8''Gutschrift%20M%C3%A4rz.pdf"
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf);

    // Another place, a malformed one, and another company's member: 404 alike.
    for place in ["0-1", "1-0", "x-0", "0-", "00000-0"] {
        let reply = browser
            .get(&format!("/api/support/requests/{id}/files/{place}"))
            .await;
        assert_eq!(reply.status, 404, "{place}: {reply:?}");
    }
    let (mut stranger, _, _) = portal
        .member_session("Fremd GmbH", Lang::De, Role::Owner)
        .await;
    let reply = stranger
        .get(&format!("/api/support/requests/{id}/files/{file}"))
        .await;
    assert_eq!(reply.status, 404, "{reply:?}");
}

/// Support closes a contract change by replying to its mail (issue #18): `#abgelehnt` with the
/// reason below it rejects (the requester's mail gives the reason), `#erledigt` marks it done,
/// and a reply without either is bounced with what to write instead.
#[tokio::test]
async fn support_decides_a_contract_change_by_replying_to_its_mail() {
    use portal::domain::contract::{Licence, Term};
    let portal = TestPortal::spawn().await;
    let (mut browser, company, email) = portal
        .member_session("Vertrag per Mail GmbH", Lang::De, Role::Owner)
        .await;
    portal
        .add_contract(&company, "P-1", Term::Monthly, Licence::Multi, 3)
        .await;
    let asked = browser
        .post(
            "/api/contracts/P-1/requests",
            &json!({ "kind": "change_seats", "seats": 80 }),
        )
        .await;
    assert_eq!(asked.status, 202, "{asked:?}");
    let id = asked.json["request"]["id"].as_str().unwrap().to_string();
    let mail = portal.mail_containing("support@example.com", &id).await;
    assert!(
        mail.body.contains("#abgelehnt"),
        "the mail says how: {}",
        mail.body
    );
    let address = mail.reply_address().expect("a reply address");
    assert!(address.starts_with("support+c."), "{address}");
    let replies = portal.mail_replies();
    let reply = |text: &str| {
        devstack::watch::ses_stored_mail(
            "support@example.com",
            &address,
            "Re: Vertragsänderung",
            text,
            &portal_tests::unique("id"),
        )
    };

    // Without a decision: bounced with what to write, nothing changes.
    let key = store_received(&portal, &reply("Schauen wir uns an.")).await;
    assert_eq!(
        replies.take_stored(&key).await.unwrap(),
        Outcome::Refused {
            reason: "decision_missing",
            bounced: true
        }
    );
    // Support's mailbox is shared by the tests running alongside: find the bounce by its text.
    portal
        .mail_containing(
            "support@example.com",
            "Bitte schreiben Sie in die erste Zeile allein #erledigt (umgesetzt) oder #abgelehnt",
        )
        .await;

    let key = store_received(
        &portal,
        &reply("#abgelehnt\nHöchstens 50 Lizenzen im Tarif."),
    )
    .await;
    let outcome = replies.take_stored(&key).await.unwrap();
    assert!(
        matches!(&outcome, Outcome::Resolved { request, .. } if *request == id),
        "{outcome:?}"
    );
    let list = browser.get("/api/contracts").await;
    let request = list.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(request["status"], "rejected", "{list:?}");
    let told = portal
        .mail_containing(&email, "Höchstens 50 Lizenzen")
        .await;
    assert!(
        told.subject.contains("Vertrag") || told.body.contains("abgelehnt"),
        "{told:?}"
    );

    // Decided already: a second reply changes nothing.
    let key = store_received(&portal, &reply("#erledigt")).await;
    assert_eq!(
        replies.take_stored(&key).await.unwrap(),
        Outcome::Refused {
            reason: "not_pending",
            bounced: false
        }
    );
}
