//! Component tests in real headless Chromium (wasm-bindgen-test): each mounts one view with
//! known data and reads the DOM the way a person would see it.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use frontend::{
    api::BrowserView,
    lab_request::LabRequest,
    labs::{cors::results::ProbeResult, csrf::site_link::SiteLink},
};
use leptos::prelude::*;
use shared::{
    cors::Engine,
    cors::server::OriginRule,
    wire::{Credentials, ErrorCode, LogEntry, Reason, RouteOutcome},
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PAGE: &str = "http://localhost:8080";

fn entry(seq: u64, status: u16, cors: Reason, acao: Option<&str>) -> LogEntry {
    let mut response_headers = BTreeMap::new();
    if let Some(value) = acao {
        response_headers.insert("access-control-allow-origin".to_owned(), value.to_owned());
    }
    LogEntry {
        seq,
        at: "2026-11-24T18:00:00.123Z".into(),
        rid: Some("r1".into()),
        method: "GET".into(),
        path: "/api/profile".into(),
        origin: Some(PAGE.into()),
        preflight: false,
        request_headers: BTreeMap::new(),
        credentials: Credentials::default(),
        status,
        response_headers,
        cors: Some(cors),
        outcome: RouteOutcome::Refused { code: ErrorCode::NoCredentials },
    }
}

/// A fresh element in the page, to mount a view into.
fn parent() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let parent: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&parent).unwrap();
    parent
}

/// Mounts one request's views, its server entries in `entries`, and returns their element.
fn mount(browser: BrowserView, entries: RwSignal<Vec<LogEntry>>) -> web_sys::HtmlElement {
    let parent = parent();
    let request = LabRequest::default().browser_request(PAGE, None);
    let handle = leptos::mount::mount_to(parent.clone(), move || {
        provide_context(Engine::Chromium);
        let url = "http://localhost:3000/api/profile?rid=r1".to_owned();
        view! { <ProbeResult rid="r1".to_owned() url request=request.clone() browser=browser.clone() entries cached_for=Signal::stored(None) sent_under=None/> }
    });
    handle.forget();
    parent
}

fn text(parent: &web_sys::HtmlElement, css: &str) -> String {
    parent.query_selector(css).unwrap().and_then(|e| e.text_content()).unwrap_or_default()
}

const BLOCKED: fn() -> BrowserView = || BrowserView::NetworkError("TypeError: Failed to fetch".into());

#[wasm_bindgen_test]
fn a_blocked_request_shows_the_opaque_error_beside_what_the_server_sent() {
    let parent = mount(BLOCKED(), RwSignal::new(vec![entry(7, 401, Reason::Off, None)]));

    let browser = parent.query_selector(".browser-view").unwrap().unwrap();
    assert_eq!(browser.get_attribute("data-state").as_deref(), Some("blocked"));
    assert_eq!(text(&parent, ".browser-view .headline"), "TypeError: Failed to fetch");
    assert!(text(&parent, ".server-view").contains("#7 request: GET /api/profile → 401"));
    assert!(text(&parent, ".explanation").contains("no Access-Control-Allow-Origin"));
    assert!(text(&parent, "svg.sequence").contains("browser hides the answer"));
    let views = parent.query_selector(".views").unwrap().unwrap();
    let attr = |name: &str| views.get_attribute(name).unwrap_or_default();
    assert_eq!([attr("data-verdict"), attr("data-preflight"), attr("data-cors-error"), attr("data-engine")], ["blocked", "none", "MissingAllowOriginHeader", "chromium"]);
    assert!(text(&parent, ".console-says").starts_with("Access to fetch at 'http://localhost:3000/api/profile?rid=r1' from origin 'http://localhost:8080'"));
    // The other two engines' words beneath: Firefox's names the status, WebKit's the origin.
    assert!(text(&parent, ".console-elsewhere[data-engine=firefox]").ends_with("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401."));
    assert!(text(&parent, ".console-elsewhere[data-engine=webkit]").starts_with("Origin http://localhost:8080 is not allowed by Access-Control-Allow-Origin."));
}

#[wasm_bindgen_test]
fn a_readable_answer_shows_status_body_and_the_headers_that_allowed_it() {
    let browser = BrowserView::Response {
        status: 401,
        status_text: "Unauthorized".into(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: r#"{"error":"no_credentials"}"#.into(),
    };
    let parent = mount(browser, RwSignal::new(vec![entry(7, 401, Reason::Allowed { origin: OriginRule::InList }, Some(PAGE))]));

    assert_eq!(text(&parent, ".browser-view .headline"), "401 Unauthorized");
    assert!(text(&parent, ".browser-view pre").contains("no_credentials"));
    assert!(text(&parent, ".browser-view").contains("content-type: application/json"));
    assert!(text(&parent, ".server-view").contains("access-control-allow-origin: http://localhost:8080"));
    assert!(text(&parent, ".explanation").contains("let the page read the answer"));
}

#[wasm_bindgen_test]
fn nothing_in_the_log_is_said_in_words() {
    let parent = mount(BLOCKED(), RwSignal::new(vec![]));

    assert!(text(&parent, ".server-view").contains("No entry (yet)"));
    assert!(text(&parent, ".explanation").contains("Nothing reached the server"));
}

#[wasm_bindgen_test]
async fn an_entry_that_comes_later_is_added_and_the_rest_stays() {
    // Arrange: a blocked request whose log entry has not come yet
    let entries = RwSignal::new(vec![]);
    let parent = mount(BLOCKED(), entries);
    let browser_view = parent.query_selector(".browser-view").unwrap().unwrap();

    // Act: the live log brings it
    entries.set(vec![entry(7, 401, Reason::Off, None)]);
    leptos::task::tick().await;

    // Assert: the server's view and the explanation follow; the browser's view is the same node
    assert!(text(&parent, ".server-view").contains("#7 request: GET /api/profile → 401"));
    assert!(!text(&parent, ".server-view").contains("No entry (yet)"));
    assert!(text(&parent, ".explanation").contains("reached the server"));
    let still = parent.query_selector(".browser-view").unwrap().unwrap();
    assert!(js_sys::Object::is(&still, &browser_view), "the browser's view was drawn again");
}

#[wasm_bindgen_test]
fn only_loopback_site_links_become_links() {
    let parent = parent();
    let handle = leptos::mount::mount_to(parent.clone(), || {
        view! {
            <SiteLink id="same" url="http://localhost:3001/".to_owned() label="same site"/>
            <SiteLink id="evil" url="javascript:alert(document.cookie)".to_owned() label="evil"/>
        }
    });
    handle.forget();

    let same = parent.query_selector("a#same").unwrap().expect("a loopback URL is a link");
    assert_eq!(same.get_attribute("href").as_deref(), Some("http://localhost:3001/"));
    assert!(parent.query_selector("a#evil").unwrap().is_none());
    assert!(parent.query_selector("a[href^='javascript']").unwrap().is_none());
    assert!(text(&parent, ".refused-link").contains("Refused a link the backend named: javascript:alert(document.cookie)"));
}

/// The challenges panel, mounted with the page's state and a run the server announced.
mod challenges {
    use frontend::{
        api::{Api, ControlToken},
        challenges::panel::ChallengesPanel,
        state::{Challenges, ExploitHits, Jwt, LiveSettings, OldLab, Probes, Problem, ServerLog, ThirdPartyCookies, challenge::STORAGE_KEY},
    };
    use shared::challenge::{ChallengeId, ChallengeState, Run, Solved};

    use super::*;

    fn storage() -> web_sys::Storage {
        web_sys::window().unwrap().local_storage().unwrap().unwrap()
    }

    /// Mounts the panel with no progress stored; hands back its element, the challenges and the log.
    fn mount_panel() -> (web_sys::HtmlElement, Challenges, ServerLog) {
        storage().remove_item(STORAGE_KEY).unwrap();
        let parent = parent();
        let made = RwSignal::new(None::<(Challenges, ServerLog)>);
        let handle = leptos::mount::mount_to(parent.clone(), move || {
            // A backend nobody answers at: the panel shows what it is given.
            let api = Api::new("http://localhost:9", ControlToken::new());
            let (problem, jwt, log, hits) = (Problem::new(), Jwt(RwSignal::new(None)), ServerLog::new(&api), ExploitHits::new());
            let (live, probes) = (LiveSettings::new(&api, problem), Probes::new(&api, log, jwt));
            let challenges = Challenges::new(&api, OldLab { jwt, probes, log, live, problem, hits }, problem);
            provide_context(Engine::Chromium);
            provide_context(problem);
            provide_context(log);
            provide_context(hits);
            provide_context(challenges);
            provide_context(ThirdPartyCookies(RwSignal::new(None)));
            made.set(Some((challenges, log)));
            view! { <ChallengesPanel/> }
        });
        handle.forget();
        let (challenges, log) = made.get_untracked().unwrap();
        (parent, challenges, log)
    }

    fn state_of(parent: &web_sys::HtmlElement, key: &str) -> Option<String> {
        parent.query_selector(&format!("li[data-challenge='{key}']")).unwrap()?.get_attribute("data-state")
    }

    fn run(id: ChallengeId, solved: Option<Solved>) -> ChallengeState {
        ChallengeState { run: Some(Run { id, started_after: 0, started_at: "2026-11-24T18:00:00.000Z".into(), solved, judged_through: 0 }) }
    }

    #[wasm_bindgen_test]
    async fn the_running_challenge_shows_its_goal_its_engine_note_and_one_hint_at_a_time() {
        let (parent, challenges, _) = mount_panel();
        for challenge in &shared::challenge::CATALOGUE {
            assert_eq!(state_of(&parent, challenge.key).as_deref(), Some("open"), "{}", challenge.key);
        }
        assert_eq!(state_of(&parent, "one_preflight").as_deref(), Some("open"));
        assert!(parent.query_selector("#challenge-goal").unwrap().is_none(), "nothing runs yet");

        challenges.replace(run(ChallengeId::OnePreflight, None));
        leptos::task::tick().await;

        assert_eq!(state_of(&parent, "one_preflight").as_deref(), Some("running"));
        let challenge = ChallengeId::OnePreflight.challenge();
        assert_eq!(text(&parent, "#challenge-goal"), challenge.goal);
        assert!(text(&parent, "[data-note='preflight-cache']").contains(Engine::Chromium.max_age_cap_words()));
        assert_eq!(text(&parent, "#challenge-hint"), format!("Show a hint (1 of {})", challenge.hints.len()));
        assert_eq!(text(&parent, "#challenge-hints"), "", "no hint before it is asked for");

        parent.query_selector("#challenge-hint").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
        leptos::task::tick().await;

        assert_eq!(text(&parent, "#challenge-hints"), challenge.hints[0]);
        assert_eq!(text(&parent, "#challenge-hint"), format!("Show a hint (2 of {})", challenge.hints.len()));
        assert!(storage().get_item(STORAGE_KEY).unwrap().unwrap().contains("\"one_preflight\":1"), "the hint shown is kept");
    }

    #[wasm_bindgen_test]
    async fn a_solved_run_shows_the_lesson_and_the_entries_that_proved_it_and_is_remembered() {
        let (parent, challenges, log) = mount_panel();
        log.add(vec![entry(7, 200, Reason::Allowed { origin: OriginRule::InList }, Some(PAGE))]);
        challenges.replace(run(ChallengeId::CredentialsAndWildcard, None));
        leptos::task::tick().await;
        assert!(parent.query_selector("#challenge-solved").unwrap().is_none());

        challenges.replace(run(ChallengeId::CredentialsAndWildcard, Some(Solved { entries: vec![7], hits: vec![] })));
        leptos::task::tick().await;

        assert_eq!(state_of(&parent, "credentials_and_wildcard").as_deref(), Some("solved"));
        assert!(text(&parent, "#challenge-solved").contains(ChallengeId::CredentialsAndWildcard.challenge().lesson));
        assert!(text(&parent, "#challenge-proof li[data-seq='7']").starts_with("#7 request: GET /api/profile → 200"));
        assert!(storage().get_item(STORAGE_KEY).unwrap().unwrap().contains("credentials_and_wildcard"));

        // Stopped, it stays solved in this browser, until the person forgets the progress.
        challenges.replace(ChallengeState { run: None });
        leptos::task::tick().await;
        assert_eq!(state_of(&parent, "credentials_and_wildcard").as_deref(), Some("solved"));
        parent.query_selector("#challenges-forget").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
        leptos::task::tick().await;
        assert_eq!(state_of(&parent, "credentials_and_wildcard").as_deref(), Some("open"));
        assert_eq!(storage().get_item(STORAGE_KEY).unwrap(), None);
    }
}

/// The exploit server's access log: each hit says what came and which page sent it, from its
/// own headers (a same-origin report carries a Referer but no Origin).
mod exploit {
    use frontend::labs::csrf::exploit_server::Hit;
    use shared::wire::ExploitHit;

    use super::*;

    #[wasm_bindgen_test]
    fn a_hit_shows_its_target_as_it_came_and_the_headers_that_name_its_sender() {
        let parent = parent();
        let hit = ExploitHit {
            seq: 3,
            at: "2026-12-07T19:00:00.000Z".into(),
            method: "POST".into(),
            target: "/log?email=a%40b.com".into(),
            body: Some("{\"user\":1}".into()),
            origin: None,
            referer: Some("http://localhost:3001/exploit".into()),
            sec_fetch_site: Some("same-origin".into()),
        };
        leptos::mount::mount_to(parent.clone(), move || view! { <ul><Hit hit/></ul> }).forget();

        let shown = text(&parent, "li.exploit-hit[data-seq='3']");
        assert!(shown.starts_with("#3 2026-12-07T19:00:00.000Z POST /log?email=a%40b.com"), "{shown}");
        assert!(shown.contains("Origin: (none), Referer: http://localhost:3001/exploit, Sec-Fetch-Site: same-origin"), "{shown}");
        assert!(shown.contains("{\"user\":1}"), "the body too: {shown}");
    }
}
