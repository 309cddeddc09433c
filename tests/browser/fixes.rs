//! A blocked request's fix works, and opens nothing else: under every preset, for every kind
//! of request the composer makes (method, JSON, the bearer token, a custom header, with and
//! without credentials), a blocked result offers a fix; "Apply this fix" changes the live
//! policy, the same request sent again is readable, and the server answers the same request
//! from another origin without an `Access-Control-Allow-Origin` that lets it read. One browser
//! per preset; every failing case is reported at once.

use e2e::{Browser, Lab};
use shared::cors::browser::{BrowserRequest, CredentialsMode, preflight_reasons};

/// The other origin, whose page must still read nothing.
const EVIL: &str = "http://evil.example";

/// One kind of request, as the composer builds it.
struct Kind {
    name: &'static str,
    method: &'static str,
    content_type: &'static str,
    bearer: bool,
    custom: &'static str,
}

const KINDS: [Kind; 6] = [
    Kind { name: "GET", method: "GET", content_type: "", bearer: false, custom: "" },
    Kind { name: "PUT", method: "PUT", content_type: "", bearer: false, custom: "" },
    Kind { name: "DELETE", method: "DELETE", content_type: "", bearer: false, custom: "" },
    Kind { name: "JSON POST", method: "POST", content_type: "application/json", bearer: false, custom: "" },
    Kind { name: "bearer GET", method: "GET", content_type: "", bearer: true, custom: "" },
    Kind { name: "GET with X-Custom", method: "GET", content_type: "", bearer: false, custom: "X-Custom" },
];

impl Kind {
    /// The headers the page's code sets for this kind (the token's value does not matter to CORS).
    fn headers(&self) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if !self.content_type.is_empty() {
            headers.push(("Content-Type".to_owned(), self.content_type.to_owned()));
        }
        if self.bearer {
            headers.push(("Authorization".to_owned(), "Bearer x.y.z".to_owned()));
        }
        if !self.custom.is_empty() {
            headers.push((self.custom.to_owned(), "1".to_owned()));
        }
        headers
    }
}

/// Counts the lab requests the page sent, to wait for each one's result.
struct Sender<'a> {
    b: &'a Browser,
    sent: u32,
}

impl Sender<'_> {
    /// Clicks `css` (which sends a lab request) and waits until its result shows what the page
    /// got back; returns the result's `data-state` (`read` or `blocked`).
    async fn send(&mut self, css: &str) -> String {
        self.sent += 1;
        let n = self.sent.to_string();
        self.b.click(css).await;
        self.b.wait_attr("#latest", "data-probe", |p| p == n).await;
        self.b.wait_attr("#latest .browser-view", "data-state", |s| !s.is_empty()).await
    }
}

async fn preset(b: &Browser, id: &str) {
    b.click(&format!("#preset-{id}")).await;
    b.wait_attr(&format!("#preset-{id}"), "aria-pressed", |p| p == "true").await;
}

/// Every request kind, with credentials included and omitted, under preset `id`; hands back
/// how many of the blocked cases the server answered the other origin with its own origin
/// before the fix (the check of `evil_reads` sees what it looks for).
async fn every_fix_works_under(id: &str) -> usize {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let mut page = Sender { b, sent: 0 };
    // A token in memory, under the secure default, for the bearer requests.
    assert_eq!(page.send("#get-token").await, "read", "the secure default hands out a token");
    let mut failed = Vec::new();
    let (mut fixed, mut open_before) = (0, 0);
    for kind in &KINDS {
        for credentials in CredentialsMode::ALL {
            let case = format!("{id} × {} × credentials {}", kind.name, credentials.as_str());
            preset(b, id).await;
            b.select("#req-method", kind.method).await;
            b.select("#req-content-type", kind.content_type).await;
            b.set_checked("#req-bearer", kind.bearer).await;
            b.fill("#req-custom-name", kind.custom).await;
            b.select("#req-credentials", credentials.as_str()).await;
            if page.send("#send").await == "read" {
                println!("{case}: read");
                continue;
            }
            if !evil_reads(&lab, kind, credentials).await.is_empty() {
                open_before += 1;
            }
            match fix_and_send_again(&lab, &mut page, kind, credentials).await {
                Ok(fix) => {
                    println!("{case}: blocked; {fix}; then read");
                    fixed += 1;
                }
                Err(why) => failed.push(format!("{case}: {why}")),
            }
        }
    }
    lab.browser.close().await;
    assert!(failed.is_empty(), "{} of the fixes under {id} did not work ({fixed} did):\n{}", failed.len(), failed.join("\n"));
    assert!(fixed > 0, "no request was blocked under {id}: the table fixes nothing");
    open_before
}

/// On a blocked latest result: applies the page's fix, sends the same request again, and
/// asks the server the same request from another origin. Hands back the fix's words.
async fn fix_and_send_again(lab: &Lab, page: &mut Sender<'_>, kind: &Kind, credentials: CredentialsMode) -> Result<String, String> {
    let b = &lab.browser;
    let offered = b.settle_attr("#latest .apply-fix", "data-applied", |a| a == "false").await;
    if offered != "false" {
        return Err(format!("blocked, and no fix offered; the explanation says:\n    {}", b.text("#latest .explanation").await));
    }
    let fix = b.text("#latest .fix").await;
    b.click("#latest .apply-fix").await;
    if b.settle_attr("#latest .apply-fix", "data-applied", |a| a == "true").await != "true" {
        return Err(format!("the fix was not applied ({:?}):\n    {fix}", b.text("#policy .error").await));
    }
    let again = page.send("#send").await;
    if again != "read" {
        return Err(format!("still {again} after the fix:\n    {fix}\n    {}", b.text("#latest .explanation").await));
    }
    let readable_by = evil_reads(lab, kind, credentials).await;
    if !readable_by.is_empty() {
        return Err(format!("after the fix, {EVIL} is answered {readable_by:?}:\n    {fix}"));
    }
    Ok(fix)
}

/// The `Access-Control-Allow-Origin` values the server sends another origin for this kind of
/// request (its preflight, when it needs one, and the request), other than the page's own
/// origin: any of them would let that origin's page read.
async fn evil_reads(lab: &Lab, kind: &Kind, credentials: CredentialsMode) -> Vec<String> {
    let request = BrowserRequest { origin: EVIL.to_owned(), method: kind.method.to_owned(), headers: kind.headers(), credentials };
    let url = format!("{}/api/profile?rid=evil", lab.backend.api);
    let mut answers = Vec::new();
    if !preflight_reasons(&request).is_empty() {
        let names: Vec<String> = request.headers.iter().map(|(name, _)| name.to_ascii_lowercase()).collect();
        let mut preflight = lab.http.request(reqwest::Method::OPTIONS, &url).header("Origin", EVIL).header("Access-Control-Request-Method", kind.method);
        if !names.is_empty() {
            preflight = preflight.header("Access-Control-Request-Headers", names.join(","));
        }
        answers.push(preflight.send().await.expect("the lab API answers a preflight"));
    }
    let method = reqwest::Method::from_bytes(kind.method.as_bytes()).expect("a method");
    let mut actual = lab.http.request(method, &url).header("Origin", EVIL);
    for (name, value) in &request.headers {
        actual = actual.header(name, value);
    }
    answers.push(actual.send().await.expect("the lab API answers"));
    let page = &lab.frontend.origin;
    answers
        .iter()
        .flat_map(|answer| answer.headers().get_all("access-control-allow-origin"))
        .map(|value| value.to_str().unwrap_or("(not text)").to_owned())
        .filter(|value| value != page)
        .collect()
}

#[tokio::test]
async fn fixes_work_under_secure() {
    every_fix_works_under("secure").await;
}

#[tokio::test]
async fn fixes_work_under_mini_cors() {
    every_fix_works_under("mini-cors").await;
}

#[tokio::test]
async fn fixes_work_under_express_defaults() {
    every_fix_works_under("express-defaults").await;
}

#[tokio::test]
async fn fixes_work_under_reflect_credentials() {
    // Reflection answers any origin with itself: the fix stops that too.
    assert!(every_fix_works_under("reflect-credentials").await > 0, "before the fix, {EVIL} is answered with its own origin");
}

#[tokio::test]
async fn fixes_work_under_trust_null() {
    every_fix_works_under("trust-null").await;
}

#[tokio::test]
async fn fixes_work_under_star_credentials() {
    every_fix_works_under("star-credentials").await;
}

#[tokio::test]
async fn fixes_work_under_forgot_authorization() {
    every_fix_works_under("forgot-authorization").await;
}

#[tokio::test]
async fn fixes_work_under_cors_off() {
    every_fix_works_under("off").await;
}

/// The bug this fix replaced: a preflight the policy refuses is answered 403 without headers,
/// so the browser's check misses `Access-Control-Allow-Origin` first, whatever was refused;
/// the page's fix names what the policy refused, the Authorization header.
#[tokio::test]
async fn a_forgotten_authorization_is_fixed_by_that_header_not_by_the_origin() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let mut page = Sender { b, sent: 0 };
    assert_eq!(page.send("#get-token").await, "read");
    preset(b, "forgot-authorization").await;
    assert_eq!(page.send("#profile-token").await, "blocked");
    let explanation = b.wait_text("#latest .explanation", |t| t.contains("Fix on the server")).await;
    assert!(explanation.contains("request header authorization is not in allow_headers"), "the server's reason: {explanation}");
    let fix = b.text("#latest .fix").await;
    assert_eq!(fix, "Fix on the server: add Authorization to allow_headers");
    let diff = b.text("#latest .policy-diff").await;
    assert_eq!(diff, "allow_headers: Content-Type → Content-Type, Authorization");
    assert!(!b.text("#latest .fix-offer").await.contains("Access-Control-Allow-Origin"));
    // The fixed policy as code: both exports name the header the fix adds.
    b.click("#latest .fix-code summary").await;
    let code = b.wait_text("#latest .fix-code", |t| t.contains("Express")).await.to_ascii_lowercase();
    assert!(code.matches("authorization").count() >= 2, "{code}");
    lab.browser.close().await;
}
