//! Reading the engines' CORS words: Chromium's DevTools events and console lines.

/// The `corsError` Chromium reported for the request whose URL holds `rid`.
pub fn cors_error_of(events: &[serde_json::Value], rid: &str) -> Option<String> {
    let ids: Vec<&str> = events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent" && e["params"]["request"]["url"].as_str().is_some_and(|u| u.contains(rid)))
        .filter_map(|e| e["params"]["requestId"].as_str())
        .collect();
    events
        .iter()
        .filter(|e| e["method"] == "Network.loadingFailed" && e["params"]["requestId"].as_str().is_some_and(|id| ids.contains(&id)))
        .find_map(|e| e["params"]["corsErrorStatus"]["corsError"].as_str().map(str::to_owned))
}

/// Whether a console line is an engine's CORS message (Chromium's or Firefox's).
pub fn is_cors_message(line: &str) -> bool {
    line.contains("CORS policy") || line.starts_with("Cross-Origin Request Blocked")
}

/// The console's sentence without what ChromeDriver puts around it (the page's URL before it,
/// and quotes when the message came as a JSON string).
pub fn console_sentence(message: &str) -> String {
    let from = message.find("Access to fetch").unwrap_or(0);
    message[from..].trim_end_matches('"').to_owned()
}
