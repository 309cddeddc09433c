//! The page itself, as the browser has it: its origin, its address, what its query asks for,
//! whether another page frames it, the engine it runs in, and fresh ids for its requests.

use shared::cors::Engine;

fn window() -> web_sys::Window {
    web_sys::window().expect("the page runs in a browser window")
}

/// The page's own origin, as the browser sends it in `Origin`.
pub fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The value of `name` in the page's query (`?api=…`), decoded.
pub fn query(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// The page's address up to its fragment: where a link to this page, with a lab in its
/// fragment, leads.
pub fn address() -> String {
    let location = window().location();
    format!("{}{}{}", origin(), location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// The page's address without its query (and so without `?api=`), fragment kept.
pub fn address_without_query() -> String {
    let location = window().location();
    format!("{}{}{}", origin(), location.pathname().unwrap_or_default(), location.hash().unwrap_or_default())
}

/// The engine this page runs in, from `navigator.userAgent`: what the page explains is what
/// this engine does.
pub fn engine() -> Engine {
    Engine::from_user_agent(&window().navigator().user_agent().unwrap_or_default())
}

/// Whether this page runs inside a frame (`window.top !== window.self`). Comparing the two
/// windows is allowed even when the top one is another origin's; when the answer cannot be
/// had, the page counts as framed.
pub fn is_framed() -> bool {
    let window = window();
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window.self_()),
        _ => true,
    }
}

/// A fresh id for a lab request (`rid`): a random UUID, which needs no escaping in a query.
/// `crypto.randomUUID()` exists only in a secure context (https, or localhost); elsewhere
/// the time and a random number do, unique enough for one person's log.
pub fn new_request_id() -> String {
    let window = window();
    match window.crypto() {
        Ok(crypto) if window.is_secure_context() => crypto.random_uuid(),
        _ => format!("r{:x}{:08x}", js_sys::Date::now() as u64, (js_sys::Math::random() * f64::from(u32::MAX)) as u32),
    }
}

/// Marks a moment on the page's performance timeline, for the benchmarks to read.
pub fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}
