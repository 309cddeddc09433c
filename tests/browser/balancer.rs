//! The scaling lab through a real load balancer: a page of the UI's origin sends lab requests
//! through HAProxy's round-robin and sticky ways to instances A and B, reads which instance
//! answered (`X-Instance`, exposed by the lab policy on both instances) and what it could
//! read, and stops and starts an instance through the control plane (`PUT
//! /control/balancer/servers/{name}`) in the middle of a session. The four cases of the
//! Sessions vs JWT table's Scaling row:
//!
//! | way | credential, store | what the page reads |
//! | --- | --- | --- |
//! | round-robin | session, memory | every other request `unknown_session` |
//! | sticky | session, memory | works until its instance stops, then logged out |
//! | either | session, Redis | works, whichever instance answers |
//! | either | JWT | works, whichever instance answers |

use e2e::{Browser, ScaleLab, Store};
use serde_json::{Value, json};

/// `fetch(url, init)` from the page: the status, `X-Instance` and the body it could read.
const FETCH: &str = r#"
const [url, init, done] = arguments;
fetch(url, init).then(
  async r => done({ status: r.status, instance: r.headers.get("X-Instance"), body: await r.text() }),
  e => done({ error: String(e) }),
);
"#;

/// What the page could read of one answer.
#[derive(Debug)]
struct Read {
    status: u16,
    /// `X-Instance`, as the page could read it.
    instance: String,
    body: Value,
}

impl Read {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_default()
    }
}

/// A page of the UI's origin in a fresh browser, talking to the scaling lab.
struct Page {
    lab: ScaleLab,
    browser: Browser,
}

impl Page {
    async fn open(store: Store) -> Page {
        let lab = ScaleLab::start(store).await;
        lab.set_policy_everywhere(&lab.policy_exposing_the_instance()).await;
        let browser = Browser::start().await;
        browser.client.goto(&lab.frontend.blank_url()).await.expect("the blank page opens");
        Page { lab, browser }
    }

    async fn fetch(&self, url: String, init: Value) -> Read {
        let result = self.browser.client.execute_async(FETCH, vec![json!(url), init]).await.expect("the fetch settled");
        assert!(result["error"].is_null(), "the page could not read {url}: {result}");
        let instance = result["instance"].as_str().unwrap_or_else(|| panic!("no readable X-Instance from {url}: {result}")).to_owned();
        let body = serde_json::from_str(result["body"].as_str().unwrap_or_default()).unwrap_or(Value::Null);
        Read { status: result["status"].as_u64().unwrap_or_default() as u16, instance, body }
    }

    /// `POST /api/login` as `a@b.com`, through `way`, with the browser's cookies.
    async fn log_in(&self, way: &str) -> Read {
        let init = json!({ "method": "POST", "credentials": "include", "headers": {"Content-Type": "application/json"},
            "body": r#"{"email":"a@b.com","password":"123"}"# });
        let read = self.fetch(format!("{way}/api/login"), init).await;
        assert_eq!(read.status, 200, "login through {way}: {read:?}");
        read
    }

    /// `GET /api/profile` through `way` with the session cookie: a simple request, so no
    /// preflight takes a turn of the round-robin.
    async fn profile(&self, way: &str) -> Read {
        self.fetch(format!("{way}/api/profile"), json!({ "credentials": "include" })).await
    }

    /// `GET /api/profile` through `way` with a bearer token.
    async fn profile_with(&self, way: &str, token: &str) -> Read {
        self.fetch(format!("{way}/api/profile"), json!({ "credentials": "include", "headers": {"Authorization": format!("Bearer {token}")} })).await
    }

    /// "Stop" or "start" an instance as the page would: through the control plane on the
    /// balanced address (the first instance's), which relays to HAProxy's runtime API.
    async fn switch(&self, name: &str, enabled: bool) {
        let init = json!({ "method": "PUT", "headers": {"Content-Type": "application/json"}, "body": json!({"enabled": enabled}).to_string() });
        let url = format!("{}/control/balancer/servers/{name}", self.lab.round_robin);
        let result = self.browser.client.execute_async(FETCH, vec![json!(url), init]).await.expect("the fetch settled");
        assert_eq!(result["status"], 200, "switching {name}: {result}");
        let state: Value = serde_json::from_str(result["body"].as_str().unwrap_or_default()).expect("the balancer's state");
        let server = state["servers"].as_array().and_then(|s| s.iter().find(|s| s["name"] == name)).cloned().unwrap_or_default();
        assert_eq!(server["enabled"], enabled, "{state}");
    }

    async fn close(self) {
        self.browser.close().await;
    }
}

fn other(instance: &str) -> &'static str {
    if instance == "A" { "B" } else { "A" }
}

fn assert_logged_in(read: &Read, instance: &str) {
    assert_eq!((read.status, read.instance.as_str(), read.body["auth"].as_str()), (200, instance, Some("session")), "{read:?}");
}

/// The session works, whichever instance answered.
fn assert_logged_in_anywhere(read: &Read) {
    assert_logged_in(read, &read.instance);
}

fn assert_unknown_session(read: &Read, instance: &str) {
    assert_eq!((read.status, read.instance.as_str(), read.error()), (401, instance, "unknown_session"), "{read:?}");
}

#[tokio::test]
async fn round_robin_with_memory_stores_every_other_request_is_unknown_session() {
    let page = Page::open(Store::Memory).await;
    let way = page.lab.round_robin.clone();
    let holder = page.log_in(&way).await.instance;
    let stranger = other(&holder);

    let reads = [page.profile(&way).await, page.profile(&way).await, page.profile(&way).await, page.profile(&way).await];
    let answered: Vec<&str> = reads.iter().map(|r| r.instance.as_str()).collect();
    assert!(answered == ["A", "B", "A", "B"] || answered == ["B", "A", "B", "A"], "round-robin alternates: {answered:?}");
    for read in &reads {
        if read.instance == holder { assert_logged_in(read, &holder) } else { assert_unknown_session(read, stranger) }
    }

    // With the instance that does not know the session stopped, every request works…
    page.switch(stranger, false).await;
    for _ in 0..2 {
        assert_logged_in(&page.profile(&way).await, &holder);
    }
    // …and once it is back, every other one is unknown again.
    page.switch(stranger, true).await;
    let (first, second) = (page.profile(&way).await, page.profile(&way).await);
    let (known, unknown) = if first.instance == holder { (first, second) } else { (second, first) };
    assert_logged_in(&known, &holder);
    assert_unknown_session(&unknown, stranger);
    page.close().await;
}

#[tokio::test]
async fn sticky_with_memory_stores_works_until_its_instance_stops_then_the_person_is_logged_out() {
    let page = Page::open(Store::Memory).await;
    let way = page.lab.sticky.clone();
    let holder = page.log_in(&way).await.instance;
    let stranger = other(&holder);
    for _ in 0..3 {
        assert_logged_in(&page.profile(&way).await, &holder);
    }

    page.switch(&holder, false).await;
    assert_unknown_session(&page.profile(&way).await, stranger);
    // The balancer pinned the browser to the instance that answered instead: starting the
    // first one again does not bring the session back.
    page.switch(&holder, true).await;
    assert_unknown_session(&page.profile(&way).await, stranger);
    // Logging in again makes a session where the browser is pinned now.
    assert_eq!(page.log_in(&way).await.instance, stranger);
    assert_logged_in(&page.profile(&way).await, stranger);
    page.close().await;
}

#[tokio::test]
async fn with_redis_the_session_works_either_way_and_across_a_stop_and_start() {
    let page = Page::open(Store::Redis).await;
    let (round_robin, sticky) = (page.lab.round_robin.clone(), page.lab.sticky.clone());
    let holder = page.log_in(&round_robin).await.instance;

    let (first, second) = (page.profile(&round_robin).await, page.profile(&round_robin).await);
    assert_ne!(first.instance, second.instance, "round-robin alternates");
    assert_logged_in_anywhere(&first);
    assert_logged_in_anywhere(&second);
    let pinned = page.profile(&sticky).await;
    assert_logged_in_anywhere(&pinned);
    assert_logged_in(&page.profile(&sticky).await, &pinned.instance);

    page.switch(&holder, false).await;
    for way in [&round_robin, &round_robin, &sticky] {
        assert_logged_in(&page.profile(way).await, other(&holder));
    }
    page.switch(&holder, true).await;
    let (first, second) = (page.profile(&round_robin).await, page.profile(&round_robin).await);
    assert_ne!(first.instance, second.instance, "both instances answer again");
    assert_logged_in_anywhere(&first);
    assert_logged_in_anywhere(&second);
    page.close().await;
}

#[tokio::test]
async fn a_jwt_works_either_way_and_across_a_stop_and_start() {
    let page = Page::open(Store::Memory).await;
    let (round_robin, sticky) = (page.lab.round_robin.clone(), page.lab.sticky.clone());
    let init = json!({ "method": "POST", "headers": {"Content-Type": "application/json"}, "body": r#"{"email":"a@b.com","password":"123"}"# });
    let issued = page.fetch(format!("{round_robin}/api/token"), init).await;
    let token = issued.body["token"].as_str().unwrap_or_else(|| panic!("a token: {issued:?}")).to_owned();
    let assert_jwt = |read: &Read, instance: Option<&str>| {
        assert_eq!((read.status, read.body["auth"].as_str()), (200, Some("jwt")), "{read:?}");
        if let Some(instance) = instance {
            assert_eq!(read.instance, instance, "{read:?}");
        }
    };

    // A bearer header needs a preflight, which takes its own turns of the round-robin: the
    // instance that answers first is whichever it is.
    let first = page.profile_with(&round_robin, &token).await;
    assert_jwt(&first, None);
    page.switch(&first.instance, false).await;
    for way in [&round_robin, &round_robin, &sticky] {
        assert_jwt(&page.profile_with(way, &token).await, Some(other(&first.instance)));
    }
    page.switch(&first.instance, true).await;
    for way in [&round_robin, &round_robin, &sticky] {
        assert_jwt(&page.profile_with(way, &token).await, None);
    }
    page.close().await;
}
