//! Team access: invitations, roles, removal, the 10-login cap and the last owner.

use portal::domain::email::EmailAddress;
use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::team::member_id;
use portal_tests::{Browser, TestPortal};
use serde_json::json;

async fn owner_of_new_company(portal: &TestPortal) -> (Browser, CompanyId, String) {
    portal
        .member_session("Team GmbH", Lang::De, Role::Owner)
        .await
}

fn id(email: &str) -> String {
    member_id(&EmailAddress::parse(email).unwrap())
}

#[tokio::test]
async fn an_invited_colleague_gets_a_login_mail_and_acts_in_the_given_role() {
    let portal = TestPortal::spawn().await;
    let (mut owner, _, owner_email) = owner_of_new_company(&portal).await;
    let colleague = format!("kollege-{owner_email}");
    let reply = owner
        .post(
            "/api/team/members",
            &json!({ "email": colleague, "role": "billing" }),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(reply.json["members"].as_array().unwrap().len(), 2);
    let mail = portal.mail(&colleague, 1).await;
    assert!(mail.subject.contains("Einladung"), "{}", mail.subject);
    let token = mail
        .login_link()
        .unwrap()
        .split_once('#')
        .unwrap()
        .1
        .to_string();
    let mut browser = portal.browser();
    let session = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(session.status, 200, "{session:?}");
    assert_eq!(session.json["customer"]["role"], "billing");
    let again = owner
        .post(
            "/api/team/members",
            &json!({ "email": colleague, "role": "viewer" }),
        )
        .await;
    assert_eq!((again.status, again.code()), (409, "already_member"));
}

#[tokio::test]
async fn a_company_has_at_most_ten_logins() {
    let portal = TestPortal::spawn().await;
    let (mut owner, _, owner_email) = owner_of_new_company(&portal).await;
    for n in 0..9 {
        let reply = owner
            .post(
                "/api/team/members",
                &json!({ "email": format!("m{n}-{owner_email}"), "role": "viewer" }),
            )
            .await;
        assert_eq!(reply.status, 201, "{n}: {reply:?}");
    }
    let reply = owner
        .post(
            "/api/team/members",
            &json!({ "email": format!("m10-{owner_email}"), "role": "viewer" }),
        )
        .await;
    assert_eq!((reply.status, reply.code()), (409, "team_full"));
}

#[tokio::test]
async fn the_last_owner_can_be_neither_demoted_nor_removed() {
    let portal = TestPortal::spawn().await;
    let (mut owner, _, owner_email) = owner_of_new_company(&portal).await;
    let me = id(&owner_email);
    let demote = owner
        .put(
            &format!("/api/team/members/{me}"),
            &json!({ "role": "viewer" }),
        )
        .await;
    assert_eq!((demote.status, demote.code()), (409, "last_owner"));
    let remove = owner.delete(&format!("/api/team/members/{me}")).await;
    assert_eq!((remove.status, remove.code()), (409, "last_owner"));
    let second = format!("zweite-{owner_email}");
    owner
        .post(
            "/api/team/members",
            &json!({ "email": second, "role": "owner" }),
        )
        .await;
    let demote = owner
        .put(
            &format!("/api/team/members/{}", id(&second)),
            &json!({ "role": "viewer" }),
        )
        .await;
    assert_eq!(demote.status, 200);
    let unknown = owner
        .put(
            "/api/team/members/ffffffffffffffff",
            &json!({ "role": "viewer" }),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let bad_role = owner
        .put(
            &format!("/api/team/members/{me}"),
            &json!({ "role": "admin" }),
        )
        .await;
    assert_eq!((bad_role.status, bad_role.field()), (400, "role"));
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let portal = TestPortal::spawn().await;
    let company = portal.add_company("Zwei Chefs GmbH").await;
    let a = portal
        .add_login(Lang::De, &[(&company, "Zwei Chefs GmbH", Role::Owner)])
        .await;
    let b = portal
        .add_login(Lang::De, &[(&company, "Zwei Chefs GmbH", Role::Owner)])
        .await;
    let mut browser_a = portal.browser();
    portal.log_in(&mut browser_a, &a).await;
    let mut browser_b = portal.browser();
    portal.log_in(&mut browser_b, &b).await;
    let (id_a, id_b) = (id(&a), id(&b));
    let first = tokio::spawn(async move {
        browser_a
            .put(
                &format!("/api/team/members/{id_b}"),
                &json!({ "role": "viewer" }),
            )
            .await
            .status
    });
    let second = tokio::spawn(async move {
        browser_b
            .put(
                &format!("/api/team/members/{id_a}"),
                &json!({ "role": "viewer" }),
            )
            .await
            .status
    });
    let statuses = [first.await.unwrap(), second.await.unwrap()];
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    let team = portal
        .app_for_seeding
        .directory
        .team(&company)
        .await
        .unwrap();
    assert_eq!(
        team.members
            .iter()
            .filter(|(_, r)| *r == Role::Owner)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_removed_login_loses_access_at_once() {
    let portal = TestPortal::spawn().await;
    let (mut owner, company, owner_email) = owner_of_new_company(&portal).await;
    let viewer = portal
        .add_login(Lang::De, &[(&company, "Team GmbH", Role::Viewer)])
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &viewer).await;
    assert_eq!(browser.get("/api/documents").await.status, 200);
    let reply = owner
        .delete(&format!("/api/team/members/{}", id(&viewer)))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json["members"].as_array().unwrap().len(), 1);
    assert_eq!(reply.json["members"][0]["email"], owner_email.as_str());
    assert_eq!(browser.get("/api/documents").await.status, 401);
}
