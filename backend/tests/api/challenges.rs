//! `/control/challenge`: a start resets the lab into the challenge's setup, the judge reads the
//! log the lab's own requests leave, and a reset or a stop ends the run. Through `oneshot`.

use serde_json::{Value, json};
use shared::challenge::{ChallengeState, Run, SECRET_WORDS};

use crate::helpers::{Client, FRONT, TestApp, eventually, test_app};

async fn start(app: &TestApp, id: &str) -> Run {
    let answer = app.post("/control/challenge").json(&json!({ "id": id })).send().await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    answer.json()
}

async fn state(app: &TestApp) -> ChallengeState {
    app.get("/control/challenge").send().await.json()
}

async fn solved(app: &TestApp) -> Option<Vec<u64>> {
    state(app).await.run.and_then(|run| run.solved).map(|s| s.entries)
}

#[tokio::test]
async fn a_start_resets_the_lab_into_the_challenges_setup() {
    // Arrange: a lab someone has used
    let app = test_app();
    let browser = app.browser();
    browser.post("/api/login").header("Origin", FRONT).json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    app.put("/control/defenses").json(&json!({"origin_check": true, "json_only": false})).send().await;

    // Act
    let run = start(&app, "credentials_and_wildcard").await;

    // Assert
    assert_eq!((run.solved, run.started_after), (None, 1), "the login's entry came before");
    assert_eq!(app.policy().await["allow_origin"], json!({"mode": "any"}));
    assert_eq!(app.get("/control/defenses").send().await.json::<Value>()["origin_check"], false);
    assert_eq!(app.get("/control/sessions").send().await.json::<Vec<Value>>().len(), 0);
    assert_eq!(state(&app).await.run.map(|r| r.id.as_str()), Some("credentials_and_wildcard"));
}

#[tokio::test]
async fn an_unknown_challenge_is_404_and_changes_nothing() {
    let app = test_app();
    app.put_policy(&json!({"enabled": false, "allow_origin": {"mode": "none"}, "allow_credentials": false, "allow_methods": [], "allow_headers": [], "expose_headers": []})).await;

    let answer = app.post("/control/challenge").json(&json!({"id": "make_coffee"})).send().await;

    assert_eq!((answer.status().as_u16(), answer.json::<Value>()["error"].clone()), (404, json!("unknown_challenge")));
    assert_eq!(app.policy().await["enabled"], false);
    assert_eq!(state(&app).await.run, None);
}

#[tokio::test]
async fn the_wildcard_is_solved_by_the_playgrounds_read_under_a_listed_origin_not_under_reflection() {
    // Arrange
    let app = test_app();
    start(&app, "credentials_and_wildcard").await;
    let victim = app.browser();
    victim.post("/api/login").header("Origin", FRONT).json(&json!({"email": "a@b.com", "password": "123"})).send().await;

    // Act: the nearest wrong fix, then the right one
    let mut policy = app.policy().await;
    policy["allow_origin"] = json!({"mode": "reflect"});
    app.put_policy(&policy).await;
    let wrong = victim.get("/api/profile").header("Origin", FRONT).send().await;
    let wrong_seq = app.log().await.last().unwrap()["seq"].as_u64().unwrap();
    eventually("the wrong answer judged", || async { state(&app).await.run.is_some_and(|r| r.judged_through >= wrong_seq) }).await;
    assert_eq!(solved(&app).await, None, "a reflecting policy solves nothing");
    policy["allow_origin"] = json!({"mode": "list", "origins": [FRONT]});
    app.put_policy(&policy).await;
    let right = victim.get("/api/profile").header("Origin", FRONT).send().await;
    assert_eq!((wrong.status().as_u16(), right.status().as_u16()), (200, 200));

    // Assert: solved by the second read alone
    eventually("solved", || async { solved(&app).await.is_some() }).await;
    let log = app.log().await;
    let reads: Vec<u64> = log.iter().filter(|e| e["path"] == "/api/profile").map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(solved(&app).await, Some(vec![reads[1]]));
}

#[tokio::test]
async fn a_transfer_from_the_playground_does_not_move_the_money_as_an_attack() {
    // Arrange
    let app = test_app();
    start(&app, "move_the_money").await;
    let victim = app.browser();
    victim.post("/api/login").header("Origin", FRONT).json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    let transfer = json!({"to": "bob@example.com", "amount": 10});

    // Act: the playground's own transfer, then the other site's
    victim.post("/api/transfer").header("Origin", FRONT).json(&transfer).send().await;
    let attack = victim.post("/api/transfer").header("Origin", "http://127.0.0.1:3001").header("Content-Type", "text/plain").body(transfer.to_string()).send().await;
    assert_eq!(attack.status(), 200);

    // Assert
    eventually("solved", || async { solved(&app).await.is_some() }).await;
    let last = app.log().await.last().unwrap()["seq"].as_u64();
    assert_eq!(solved(&app).await, Some(vec![last.unwrap()]), "the attack proved it, not the playground's transfer");
}

#[tokio::test]
async fn crack_the_secret_makes_the_secret_a_listed_word_until_a_reset() {
    let app = test_app();
    let start_secret = app.get("/control/jwt").send().await.json::<Value>()["secret"].clone();

    start(&app, "crack_the_secret").await;
    let word = app.get("/control/jwt").send().await.json::<Value>()["secret"].as_str().unwrap().to_owned();
    assert!(SECRET_WORDS.contains(&word.as_str()), "{word}");

    app.reset().await;
    assert_eq!(app.get("/control/jwt").send().await.json::<Value>()["secret"], start_secret);
    assert_eq!(state(&app).await.run, None, "a reset ends the run");
}

#[tokio::test]
async fn a_stop_ends_the_run_and_leaves_the_lab_as_it_is() {
    let app = test_app();
    start(&app, "reflected_origin").await;

    let answer = app.delete("/control/challenge").send().await;

    assert_eq!(answer.status(), 204);
    assert_eq!(state(&app).await.run, None);
    assert_eq!(app.policy().await["allow_origin"], json!({"mode": "reflect"}));
}
