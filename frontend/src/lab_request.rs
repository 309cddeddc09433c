//! The request the composer builds: what the page's code will hand to `fetch()`.

use serde::{Deserialize, Serialize};
use shared::cors::browser::{BrowserRequest, CredentialsMode};

/// A request on the lab API, as a shared link carries it too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabRequest {
    pub method: String,
    /// Path on the lab API, e.g. `/api/profile`.
    pub path: String,
    /// `Content-Type`, when a body is sent.
    pub content_type: Option<String>,
    /// Send `Authorization: Bearer <the token in memory>`.
    pub bearer: bool,
    /// One custom header, e.g. `X-Requested-With: fetch`.
    pub custom_header: Option<(String, String)>,
    pub credentials: CredentialsMode,
    pub body: Option<String>,
}

impl Default for LabRequest {
    fn default() -> Self {
        LabRequest {
            method: "GET".into(),
            path: "/api/profile".into(),
            content_type: None,
            bearer: false,
            custom_header: None,
            credentials: CredentialsMode::Include,
            body: None,
        }
    }
}

impl LabRequest {
    /// The headers the page's code sets, with the token when `bearer` is on.
    pub fn headers(&self, token: Option<&str>) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Some(t) = self.content_type.as_ref().filter(|t| !t.is_empty()) {
            headers.push(("Content-Type".to_owned(), t.clone()));
        }
        if self.bearer {
            headers.push(("Authorization".to_owned(), format!("Bearer {}", token.unwrap_or_default())));
        }
        if let Some((name, value)) = self.custom_header.as_ref().filter(|(n, _)| !n.is_empty()) {
            headers.push((name.clone(), value.clone()));
        }
        headers
    }

    /// GET and HEAD cannot carry a body in `fetch()`.
    pub fn sends_body(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD") && self.body.as_ref().is_some_and(|b| !b.is_empty())
    }

    pub fn browser_request(&self, origin: &str, token: Option<&str>) -> BrowserRequest {
        BrowserRequest {
            origin: origin.to_owned(),
            method: self.method.clone(),
            headers: self.headers(token),
            credentials: self.credentials,
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::cors::browser::preflight_reasons;

    use super::*;

    #[test]
    fn headers_follow_the_switches() {
        let mut r = LabRequest { method: "POST".into(), content_type: Some("application/json".into()), bearer: true, ..Default::default() };
        r.custom_header = Some(("X-Trace".into(), "1".into()));
        let names: Vec<String> = r.headers(Some("tok")).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Content-Type", "Authorization", "X-Trace"]);
        assert_eq!(preflight_reasons(&r.browser_request("http://localhost:8080", Some("tok"))).len(), 3);
        assert!(LabRequest::default().headers(None).is_empty());
    }

    #[test]
    fn get_never_sends_a_body() {
        let r = LabRequest { body: Some("x".into()), ..Default::default() };
        assert!(!r.sends_body());
        assert!(LabRequest { method: "POST".into(), ..r }.sends_body());
    }
}
