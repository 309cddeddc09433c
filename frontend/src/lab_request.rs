//! The lab requests the page sends: what the composer builds, and the ones the auth lab and
//! the scaling lab send with one click. Each is what the page's code hands to `fetch()`.

use serde::{Deserialize, Serialize};
use shared::{
    cors::browser::{BrowserRequest, CredentialsMode},
    wire::{Email, LoginRequest},
};

use crate::json;

/// The first demo user (`docs/api.md`): the auth lab's login form starts with it, and the
/// balancer panel logs in as it.
pub const DEMO_LOGIN: (&str, &str) = ("a@b.com", "123");

/// `DEMO_LOGIN` as the login body.
pub fn demo_login() -> LoginRequest {
    let email = Email::try_from(DEMO_LOGIN.0.to_owned()).expect("the demo email is an email");
    LoginRequest { email, password: DEMO_LOGIN.1.to_owned() }
}

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
    /// `GET /api/profile` with the cookie: what the composer starts from.
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

/// The composer's custom header as the person typed it: a name (sent with the value `1`), or
/// `Name: value`; `Ok(None)` when empty. `Err` says in words why `fetch()` would refuse it, so
/// that the page says so instead of sending nothing and blaming the network.
pub fn custom_header(text: &str) -> Result<Option<(String, String)>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (name, value) = text.split_once(':').map_or((text, "1"), |(name, value)| (name.trim(), value.trim()));
    if name.is_empty() || !name.bytes().all(shared::cors::policy::is_token_byte) {
        return Err(format!("\"{name}\" is not a header name: a name is letters, digits and !#$%&'*+-.^_`|~ only (write Name: value for a value)"));
    }
    if value.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) {
        return Err(format!("the value of {name} holds a control character, which no header value may"));
    }
    Ok(Some((name.to_owned(), value.to_owned())))
}

impl LabRequest {
    /// `POST /api/login` (a session cookie, so credentials are included) or `POST /api/token`
    /// (a JWT: no cookie needed), with the person's email and password as JSON.
    pub fn login(kind: Login, login: &LoginRequest) -> LabRequest {
        let (path, credentials) = match kind {
            Login::Session => ("/api/login", CredentialsMode::Include),
            Login::Token => ("/api/token", CredentialsMode::Omit),
        };
        LabRequest {
            method: "POST".into(),
            path: path.into(),
            content_type: Some("application/json".into()),
            credentials,
            body: Some(json::to_string(login)),
            ..LabRequest::default()
        }
    }

    /// `GET /api/profile` with the cookie, or with the JWT (then without the cookie).
    pub fn profile(bearer: bool) -> LabRequest {
        LabRequest {
            bearer,
            credentials: if bearer { CredentialsMode::Omit } else { CredentialsMode::Include },
            ..LabRequest::default()
        }
    }

    /// `POST /api/logout` with the cookie.
    pub fn logout() -> LabRequest {
        LabRequest { method: "POST".into(), path: "/api/logout".into(), ..LabRequest::default() }
    }

    /// Whether the answer to this request carries a new JWT (`TokenResponse`).
    pub fn issues_token(&self) -> bool {
        self.method == "POST" && self.path.starts_with("/api/token")
    }

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

    /// The request as the browser's CORS rules see it, from a page on `origin`.
    pub fn browser_request(&self, origin: &str, token: Option<&str>) -> BrowserRequest {
        BrowserRequest {
            origin: origin.to_owned(),
            method: self.method.clone(),
            headers: self.headers(token),
            credentials: self.credentials,
        }
    }
}

/// What a login asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// A session, kept in a cookie.
    Session,
    /// A JWT, kept in the page's memory.
    Token,
}

#[cfg(test)]
mod tests {
    use shared::{cors::browser::preflight_reasons, wire::Email};

    use super::*;

    #[test]
    fn a_custom_header_is_a_name_or_name_colon_value_and_anything_else_is_said() {
        assert_eq!(custom_header("  "), Ok(None));
        assert_eq!(custom_header("X-Custom"), Ok(Some(("X-Custom".into(), "1".into()))));
        assert_eq!(custom_header("X-Custom: 1"), Ok(Some(("X-Custom".into(), "1".into()))));
        assert_eq!(custom_header("X-Trace : a b"), Ok(Some(("X-Trace".into(), "a b".into()))));
        let refused = custom_header("X Custom").unwrap_err();
        assert!(refused.starts_with("\"X Custom\" is not a header name"), "{refused}");
        assert!(custom_header(": 1").is_err());
    }

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

    #[test]
    fn a_login_is_json_and_a_token_login_sends_no_cookie() {
        let login = LoginRequest { email: Email::try_from("a@b.com".to_owned()).unwrap(), password: "1\"23".into() };
        let session = LabRequest::login(Login::Session, &login);
        assert_eq!(session.body.as_deref(), Some(r#"{"email":"a@b.com","password":"1\"23"}"#));
        assert_eq!((session.path.as_str(), session.credentials), ("/api/login", CredentialsMode::Include));
        let token = LabRequest::login(Login::Token, &login);
        assert_eq!((token.path.as_str(), token.credentials), ("/api/token", CredentialsMode::Omit));
        assert!(token.issues_token() && !session.issues_token());
    }

    #[test]
    fn the_profile_goes_with_the_cookie_or_with_the_jwt_alone() {
        assert_eq!(LabRequest::profile(false).credentials, CredentialsMode::Include);
        let bearer = LabRequest::profile(true);
        assert_eq!((bearer.bearer, bearer.credentials), (true, CredentialsMode::Omit));
    }
}
