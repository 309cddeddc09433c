//! The request composer's custom header, typed as people type it.

use e2e::Lab;

#[tokio::test]
async fn a_custom_header_typed_with_its_value_is_sent_and_a_broken_name_is_refused_in_words() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.fill("#req-custom-name", "X Custom").await;
    let refusal = b.wait_text("#req-custom-error", |t| !t.is_empty()).await;
    assert!(refusal.contains("\"X Custom\" is not a header name"), "{refusal}");
    assert_eq!(b.attr("#send", "disabled").await.as_deref(), Some("true"), "nothing is sent while the name is broken");

    b.fill("#req-custom-name", "X-Custom: 1").await;
    b.wait_attr("#send", "disabled", |d| d.is_empty()).await;
    b.click("#send").await;
    b.wait_attr("#latest .views", "data-rid", |r| !r.is_empty()).await;
    let rid = b.attr("#latest .views", "data-rid").await.unwrap();
    let entries = lab.server_log().await;
    let preflight = entries.iter().find(|e| e.rid.as_deref() == Some(rid.as_str()) && e.preflight).expect("a preflight for the custom header");
    assert_eq!(preflight.request_headers.get("access-control-request-headers").map(String::as_str), Some("x-custom"));
    // The server's view shows the headers that decided it, as they came.
    let came = b.wait_text("#latest .server-view .deciding", |t| !t.is_empty()).await;
    assert!(came.contains("access-control-request-method: GET") && came.contains("access-control-request-headers: x-custom"), "{came}");
    lab.browser.close().await;
}
