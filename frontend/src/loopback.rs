//! The only URLs the page talks to or links to: `http://` on this machine's loopback names
//! (`localhost`, `127.0.0.1`, `[::1]`) with a port. A backend URL from `?api=` or a link the
//! backend names (the other site, a peer instance) is checked here before the page uses it:
//! a link someone else wrote must not send the page, or the person, anywhere else
//! (`javascript:` included).

/// The hosts the page accepts, exactly as written (no other spelling of the same address:
/// `127.1`, `0x7f000001` or `LOCALHOST` are refused rather than normalised).
const HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// What the person is told when a URL is refused.
pub const RULE: &str = "http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT";

/// `url` when it is a loopback origin, `http://HOST:PORT` (a trailing `/` is dropped).
pub fn origin(url: &str) -> Option<&str> {
    let origin = url.strip_suffix('/').unwrap_or(url);
    let (host, port) = origin.strip_prefix("http://")?.rsplit_once(':')?;
    (HOSTS.contains(&host) && is_port(port)).then_some(origin)
}

/// `url` when it is a loopback origin followed by nothing or by a path (`/…`, which may carry
/// a query). Only visible ASCII, and no `\` (which browsers read as `/`).
pub fn link(url: &str) -> Option<&str> {
    if !url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return None;
    }
    let rest = url.strip_prefix("http://")?;
    let end = rest.find('/').map_or(url.len(), |at| "http://".len() + at);
    origin(&url[..end]).map(|_| url)
}

/// 1 to 65535, in decimal digits.
fn is_port(port: &str) -> bool {
    (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_with_a_port_are_accepted() {
        for url in ["http://localhost:3000", "http://127.0.0.1:1", "http://[::1]:65535", "http://localhost:3000/"] {
            assert_eq!(origin(url), Some(url.trim_end_matches('/')), "{url}");
        }
    }

    #[test]
    fn anything_else_is_refused_as_an_origin() {
        for url in [
            "https://example.com",
            "https://localhost:3000",
            "http://localhost",
            "http://localhost:",
            "http://localhost:0",
            "http://localhost:65536",
            "http://localhost:3000/api",
            "http://localhost:3000?x",
            "http://localhost:3000@evil.example",
            "http://evil.example#@localhost:3000",
            "http://evil.example/?localhost:3000",
            "http://user@localhost:3000",
            "http://localhost.evil.example:3000",
            "http://127.1:3000",
            "http://0x7f000001:3000",
            "http://LOCALHOST:3000",
            "http://[::1]x:3000",
            "http://::1:3000",
            "//localhost:3000",
            "localhost:3000",
            "javascript:alert(1)//http://localhost:3000",
            " http://localhost:3000",
            "http://localhost:+300",
            "",
        ] {
            assert_eq!(origin(url), None, "{url}");
        }
    }

    #[test]
    fn links_may_carry_a_path() {
        for url in ["http://localhost:3001/", "http://127.0.0.1:3001/attack?x=1", "http://[::1]:3002", "http://localhost:3001/a/b#c"] {
            assert_eq!(link(url), Some(url), "{url}");
        }
    }

    #[test]
    fn links_elsewhere_or_in_disguise_are_refused() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://example.com/",
            "http://example.com/http://localhost:3001/",
            "http://localhost:3001@evil.example/",
            "http://localhost:3001\\@evil.example/",
            "http://localhost:3001\\evil",
            "http://local\nhost:3001/",
            "http://localhost:3001/ x",
            "http://localhost:3001?q",
            "http://localhost:3001#f",
            "//localhost:3001/",
            "/relative",
            "",
        ] {
            assert_eq!(link(url), None, "{url:?}");
        }
    }
}
