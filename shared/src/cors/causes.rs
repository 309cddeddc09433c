//! What can make a browser print a CORS message, or give the page's code only a `TypeError`,
//! the likely first, as data: the page words each cause, and sets the lab up to show the ones
//! a server can make.

use serde::{Deserialize, Serialize};

use super::{
    AllowOrigin, CorsPolicy, Mistake, RefusedPreflight,
    browser::{BrowserRequest, CorsError, CredentialsMode},
};

/// One thing that makes a request fail the way a message says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A CORS check failed: the console's CORS line names which (only a `TypeError` was seen).
    CorsCheck,
    /// The request reached no server: it is not running, the port or host is wrong, the
    /// connection was refused or timed out.
    Unreachable,
    /// `fetch()` refused the request before sending it: an invalid header name or value.
    RefusedByFetch,
    /// The browser or an extension blocked it: an ad blocker, an `https` page calling `http`
    /// (mixed content), a private network rule.
    BlockedByClient,
    /// Authentication or the router answers `OPTIONS` before CORS runs (401, 404, 405), with
    /// no CORS header.
    OptionsAnsweredFirst,
    /// The CORS layer refuses the method or a header with no word: 403 (or 204) without
    /// `Access-Control-Allow-Origin`, as rs/cors and jub0bs/cors answer.
    RefusedQuietly,
    /// The origin the server allows differs from the page's by scheme, host, port or a
    /// trailing slash (`http://localhost:8080` is not `http://127.0.0.1:8080`).
    OriginDiffers,
    /// The server has no CORS at all, or not on this route.
    NoCors,
    /// The answer is an error whose path skips the CORS headers (a 500 from a handler).
    ErrorSkipsCors,
    /// A proxy and the app both add `Access-Control-Allow-Origin`.
    AddedTwice,
    /// The page's origin is `null` (a sandboxed frame, a `file://` page): allowing `null`
    /// would let any site in, so the page must be served from a real origin.
    NullOrigin,
}

impl Cause {
    /// Its name on the wire (and in the page's `data-cause`).
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::CorsCheck => "cors_check",
            Cause::Unreachable => "unreachable",
            Cause::RefusedByFetch => "refused_by_fetch",
            Cause::BlockedByClient => "blocked_by_client",
            Cause::OptionsAnsweredFirst => "options_answered_first",
            Cause::RefusedQuietly => "refused_quietly",
            Cause::OriginDiffers => "origin_differs",
            Cause::NoCors => "no_cors",
            Cause::ErrorSkipsCors => "error_skips_cors",
            Cause::AddedTwice => "added_twice",
            Cause::NullOrigin => "null_origin",
        }
    }
}

/// The causes of `error` (or of a bare `TypeError` when `None`), the likely first; empty when
/// the check names its cause itself (a method not listed, say). `preflight` as the message
/// says (`None`: it does not say); `page_origin` as it names it.
pub fn causes(error: Option<&CorsError>, preflight: Option<bool>, page_origin: Option<&str>) -> Vec<Cause> {
    use Cause::*;
    let null = page_origin == Some("null");
    let mut causes = match error {
        None => vec![CorsCheck, Unreachable, RefusedByFetch, BlockedByClient],
        Some(CorsError::MissingAllowOriginHeader) => match preflight {
            Some(true) => vec![OptionsAnsweredFirst, RefusedQuietly, OriginDiffers, NoCors],
            Some(false) => vec![OriginDiffers, ErrorSkipsCors, NoCors],
            None => vec![OptionsAnsweredFirst, OriginDiffers, RefusedQuietly, ErrorSkipsCors, NoCors],
        },
        Some(CorsError::MultipleAllowOriginValues { .. }) => vec![AddedTwice],
        Some(CorsError::AllowOriginMismatch { .. }) => vec![OriginDiffers],
        Some(_) => vec![],
    };
    if null && error.is_some_and(|e| matches!(e, CorsError::MissingAllowOriginHeader | CorsError::AllowOriginMismatch { .. })) {
        causes.insert(0, NullOrigin);
    }
    causes
}

/// A lab (policy and request from `page`) in which `cause` makes the request fail; `None` for
/// a cause that is not the server's to make (a network, the page's own code, the browser).
pub fn set_up(cause: Cause, page: &str) -> Option<(CorsPolicy, BrowserRequest)> {
    let secure = CorsPolicy::secure_default(page);
    let request = |method: &str, headers: &[(&str, &str)]| BrowserRequest {
        origin: page.to_owned(),
        method: method.to_owned(),
        headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
        credentials: CredentialsMode::Omit,
    };
    let json = request("POST", &[("Content-Type", "application/json")]);
    let with = |mistake| CorsPolicy { mistake: Some(mistake), ..secure.clone() };
    Some(match cause {
        Cause::OptionsAnsweredFirst => (with(Mistake::AuthBeforeCors), json),
        Cause::RefusedQuietly => (CorsPolicy { refused_preflight: RefusedPreflight::Forbidden, ..secure }, request("PUT", &[])),
        Cause::OriginDiffers => {
            let twin = if page.contains("localhost") { page.replace("localhost", "127.0.0.1") } else { page.replace("127.0.0.1", "localhost") };
            (CorsPolicy { allow_origin: AllowOrigin::List { origins: vec![twin] }, ..secure }, request("GET", &[]))
        }
        Cause::NoCors => (CorsPolicy::off(page), request("GET", &[])),
        Cause::ErrorSkipsCors => (with(Mistake::ErrorWithoutCors), request("GET", &[])),
        Cause::AddedTwice => (with(Mistake::DoubledAllowOrigin), request("GET", &[])),
        Cause::CorsCheck | Cause::Unreachable | Cause::RefusedByFetch | Cause::BlockedByClient | Cause::NullOrigin => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::{Engine, browser::Verdict, predict::predict};

    const PAGE: &str = "http://localhost:8080";

    /// Each cause the lab sets up fails a request in every engine, with a check the causes of
    /// that check list: the list and the set-ups agree.
    #[test]
    fn every_set_up_fails_with_a_check_whose_causes_name_it() {
        for cause in [Cause::OptionsAnsweredFirst, Cause::RefusedQuietly, Cause::OriginDiffers, Cause::NoCors, Cause::ErrorSkipsCors, Cause::AddedTwice] {
            let (policy, request) = set_up(cause, PAGE).expect("the server's to make");
            for engine in Engine::ALL {
                let block = match predict(&policy, &request, engine).verdict {
                    Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => block,
                    Verdict::Readable { .. } => panic!("{cause:?} in {engine:?}: readable"),
                };
                assert!(causes(Some(&block.error), Some(block.preflight), Some(PAGE)).contains(&cause), "{cause:?} in {engine:?}: {block:?}");
            }
        }
    }

    #[test]
    fn each_cause_s_name_is_its_name_on_the_wire() {
        let all = [
            Cause::CorsCheck, Cause::Unreachable, Cause::RefusedByFetch, Cause::BlockedByClient, Cause::OptionsAnsweredFirst, Cause::RefusedQuietly,
            Cause::OriginDiffers, Cause::NoCors, Cause::ErrorSkipsCors, Cause::AddedTwice, Cause::NullOrigin,
        ];
        for cause in all {
            assert_eq!(serde_json::to_value(cause).unwrap(), cause.as_str());
        }
    }

    #[test]
    fn a_bare_type_error_lists_what_it_can_mean_cors_first() {
        assert_eq!(causes(None, None, None), [Cause::CorsCheck, Cause::Unreachable, Cause::RefusedByFetch, Cause::BlockedByClient]);
    }

    #[test]
    fn a_missing_allow_origin_on_a_preflight_lists_the_common_causes_first() {
        let listed = causes(Some(&CorsError::MissingAllowOriginHeader), Some(true), Some(PAGE));
        assert_eq!(listed[..2], [Cause::OptionsAnsweredFirst, Cause::RefusedQuietly]);
        assert_eq!(causes(Some(&CorsError::MissingAllowOriginHeader), Some(true), Some("null"))[0], Cause::NullOrigin);
    }
}
