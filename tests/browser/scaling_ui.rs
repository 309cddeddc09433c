//! The scaling lab behind the real HAProxy, through the page's own controls: the Scaling
//! panel exposes `X-Instance` on both instances, picks the way (round-robin or sticky) and the
//! credential, sends the profile request several times, and stops and starts an instance in
//! the middle of a session. Each test reads the panel's request list: which instance answered
//! and what the page could read. The four cases of the Sessions vs JWT table's Scaling row:
//!
//! | way | credential, store | what the page reads |
//! | --- | --- | --- |
//! | round-robin | session, memory | every other request `unknown_session` |
//! | sticky | session, memory | works until its instance stops, then logged out |
//! | either | session, Redis | works, whichever instance answers |
//! | either | JWT | works, whichever instance answers |
//!
//! (HAProxy itself without a browser: `tests/balancer/main.rs`.)

use e2e::{Browser, ScaleLab, Store};
use serde_json::Value;

/// One row of the panel's request list.
#[derive(Debug, Clone)]
struct Row {
    instance: String,
    read: String,
}

impl Row {
    fn logged_in_as_session(&self) -> bool {
        self.read == "200: a@b.com (session)"
    }
}

/// The playground, opened on the round-robin way as `cargo xtask run --scale lb` opens it.
struct Page {
    /// The instances and HAProxy, running while the page does.
    _lab: ScaleLab,
    browser: Browser,
    /// Rows the panel has listed so far.
    count: usize,
}

impl Page {
    async fn open(store: Store) -> Page {
        let lab = ScaleLab::start(store).await;
        let browser = Browser::start().await;
        browser.client.goto(&format!("{}/?api={}", lab.frontend.origin, lab.round_robin)).await.expect("the page opens");
        browser.wait_text("#balancer-servers", |t| t.contains("Instance A") && t.contains("Instance B")).await;
        // The policy hides X-Instance at first; the panel says so, and exposes it on both.
        browser.wait_text("#balancer-exposure", |t| t.contains("Not on A, B")).await;
        browser.click("#balancer-expose").await;
        browser.wait_text("#balancer-exposure", |t| t.contains("exposes X-Instance on A, B")).await;
        Page { _lab: lab, browser, count: 0 }
    }

    /// Clicks `button`, which sends `requests` requests, and returns their rows, oldest first.
    async fn send(&mut self, button: &str, requests: usize) -> Vec<Row> {
        self.browser.click(button).await;
        self.count += requests;
        let count = self.count.to_string();
        self.browser.wait_attr("#balancer-log", "data-count", |c| c == count).await;
        let mut rows = self.rows().await;
        rows.truncate(requests);
        rows.reverse();
        rows
    }

    async fn log_in(&mut self) -> Row {
        self.send("#balancer-login", 1).await.remove(0)
    }

    async fn profile(&mut self) -> Row {
        self.send("#balancer-profile", 1).await.remove(0)
    }

    /// The profile four times (the panel's "several times" button).
    async fn profiles(&mut self) -> Vec<Row> {
        self.send("#balancer-profile-burst", 4).await
    }

    /// The request list, newest first.
    async fn rows(&self) -> Vec<Row> {
        let script = r##"return [...document.querySelectorAll("#balancer-log tbody tr")]
            .map(tr => ({ instance: tr.dataset.instance, read: tr.querySelector(".read").textContent }));"##;
        let rows = self.browser.client.execute(script, vec![]).await.expect("the list is read");
        rows.as_array()
            .expect("an array")
            .iter()
            .map(|r: &Value| Row {
                instance: r["instance"].as_str().unwrap_or_default().to_owned(),
                read: r["read"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    }

    /// "Stop instance X" / "Start instance X", as the panel offers it.
    async fn switch(&self, name: &str, enabled: bool) {
        let item = format!("#balancer-servers li[data-server='{name}']");
        assert_eq!(self.browser.attr(&item, "data-enabled").await.as_deref(), Some(if enabled { "false" } else { "true" }));
        let label = self.browser.text(&format!("{item} button")).await;
        assert_eq!(label, format!("{} instance {name}", if enabled { "Start" } else { "Stop" }));
        self.browser.click(&format!("{item} button")).await;
        self.browser.wait_attr(&item, "data-enabled", |e| e == enabled.to_string()).await;
    }

    async fn close(self) {
        self.browser.close().await;
    }
}

fn other(instance: &str) -> &'static str {
    if instance == "A" { "B" } else { "A" }
}

fn assert_logged_in(row: &Row, instance: &str) {
    assert!(row.logged_in_as_session() && row.instance == instance, "expected a@b.com's session on {instance}: {row:?}");
}

fn assert_unknown_session(row: &Row, instance: &str) {
    assert_eq!((row.instance.as_str(), row.read.as_str()), (instance, "401 unknown_session"), "{row:?}");
}

#[tokio::test]
async fn round_robin_with_memory_stores_every_other_request_is_unknown_session_in_the_panel() {
    let mut page = Page::open(Store::Memory).await;
    let holder = page.log_in().await.instance;
    let stranger = other(&holder);

    let rows = page.profiles().await;
    let answered: Vec<&str> = rows.iter().map(|r| r.instance.as_str()).collect();
    assert!(answered == ["A", "B", "A", "B"] || answered == ["B", "A", "B", "A"], "round-robin alternates: {rows:?}");
    for row in &rows {
        if row.instance == holder { assert_logged_in(row, &holder) } else { assert_unknown_session(row, stranger) }
    }

    // Stop the instance that does not know the session: every request works…
    page.switch(stranger, false).await;
    for row in page.profiles().await {
        assert_logged_in(&row, &holder);
    }
    // …start it again: every other one is unknown again.
    page.switch(stranger, true).await;
    let rows = page.profiles().await;
    assert_eq!(rows.iter().filter(|r| r.logged_in_as_session()).count(), 2, "{rows:?}");
    for row in &rows {
        if row.instance == holder { assert_logged_in(row, &holder) } else { assert_unknown_session(row, stranger) }
    }

    // The other labs' requests go through round-robin too, and their result names the instance.
    page.browser.click("#login-cookie").await;
    let answered = page.browser.wait_text("#latest .instance", |t| t.starts_with("Answered by instance")).await;
    assert!(answered.contains("instance A") || answered.contains("instance B"), "{answered}");
    page.close().await;
}

#[tokio::test]
async fn sticky_with_memory_stores_works_until_its_instance_stops_then_the_panel_shows_the_person_logged_out() {
    let mut page = Page::open(Store::Memory).await;
    // The comparison table's Scaling row leads to this case, which sets the panel up for it.
    assert!(page.browser.attr("#comparison-scaling a[href='#scale-sticky-memory']", "href").await.is_some());
    page.browser.click("#scale-sticky-memory .case-setup").await;
    page.browser.wait_attr("#way-sticky", "aria-pressed", |p| p == "true").await;

    let holder = page.log_in().await.instance;
    let stranger = other(&holder);
    for row in page.profiles().await {
        assert_logged_in(&row, &holder);
    }

    page.switch(&holder, false).await;
    assert_unknown_session(&page.profile().await, stranger);
    // Pinned to the other instance now: starting the first again does not bring the session back.
    page.switch(&holder, true).await;
    assert_unknown_session(&page.profile().await, stranger);
    // A new login sticks where the browser is pinned.
    assert_eq!(page.log_in().await.instance, stranger);
    assert_logged_in(&page.profile().await, stranger);
    page.close().await;
}

#[tokio::test]
async fn with_redis_the_panel_shows_the_session_known_either_way_and_across_a_stop_and_start() {
    let mut page = Page::open(Store::Redis).await;
    let holder = page.log_in().await.instance;
    let rows = page.profiles().await;
    assert!(rows.iter().any(|r| r.instance == "A") && rows.iter().any(|r| r.instance == "B"), "both answer: {rows:?}");
    for row in &rows {
        assert!(row.logged_in_as_session(), "{row:?}");
    }

    page.switch(&holder, false).await;
    for row in page.profiles().await {
        assert_logged_in(&row, other(&holder));
    }
    page.browser.click("#way-sticky").await;
    assert_logged_in(&page.profile().await, other(&holder));
    page.browser.click("#way-round-robin").await;
    page.switch(&holder, true).await;
    let rows = page.profiles().await;
    assert!(rows.iter().any(|r| r.instance == "A") && rows.iter().any(|r| r.instance == "B"), "both answer again: {rows:?}");
    assert!(rows.iter().all(Row::logged_in_as_session), "{rows:?}");
    page.browser.click("#way-sticky").await;
    let rows = page.profiles().await;
    assert!(rows.iter().all(|r| r.logged_in_as_session() && r.instance == rows[0].instance), "sticky, one instance: {rows:?}");
    page.close().await;
}

#[tokio::test]
async fn a_jwt_works_either_way_and_across_a_stop_and_start_in_the_panel() {
    let mut page = Page::open(Store::Memory).await;
    page.browser.click("#scale-jwt .case-setup").await;
    page.browser.wait_attr("#balancer-jwt", "aria-pressed", |p| p == "true").await;
    let issued = page.send("#balancer-token", 1).await.remove(0);
    assert_eq!(issued.read, "200: a JWT, kept in the page's memory", "{issued:?}");

    let assert_jwt = |row: &Row, instance: Option<&str>| {
        assert_eq!(row.read, "200: a@b.com (jwt)", "{row:?}");
        assert!(instance.is_none_or(|i| row.instance == i), "expected {instance:?}: {row:?}");
        assert!(!row.instance.is_empty(), "the instance is readable: {row:?}");
    };
    // The bearer header's preflight takes its own turns of the round-robin: which instance
    // answers the profile is whichever it is.
    let first = page.profile().await;
    assert_jwt(&first, None);
    page.switch(&first.instance, false).await;
    for row in page.profiles().await {
        assert_jwt(&row, Some(other(&first.instance)));
    }
    page.browser.click("#way-sticky").await;
    assert_jwt(&page.profile().await, Some(other(&first.instance)));
    page.switch(&first.instance, true).await;
    for row in page.profiles().await {
        assert_jwt(&row, None);
    }
    page.close().await;
}
