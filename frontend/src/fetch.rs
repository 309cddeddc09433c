//! The browser's `fetch()`: the page needs a method, a URL, headers, a text body and a
//! credentials mode, and back a status, headers and text. The request is built with web-sys,
//! exactly as typed (gloo-net's builder goes through the `http` crate's methods and cost the
//! wasm 1.7 KB gzip more); gloo-net sends it and hands back the response.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

/// One request as the page's code hands it to `fetch()`.
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a str>,
    /// `None`: fetch's default (`same-origin`).
    pub credentials: Option<RequestCredentials>,
}

impl Request<'_> {
    /// Sends the request. `Err` is what JavaScript would see: the error's text, e.g.
    /// `TypeError: Failed to fetch` for a CORS block or an unreachable server.
    pub async fn send(&self) -> Result<Response, String> {
        let init = RequestInit::new();
        init.set_method(self.method);
        if let Some(credentials) = self.credentials {
            init.set_credentials(credentials);
        }
        let headers = Headers::new().map_err(error_text)?;
        for (name, value) in self.headers {
            headers.set(name, value).map_err(error_text)?;
        }
        init.set_headers(&headers);
        if let Some(body) = self.body {
            init.set_body(&JsValue::from_str(body));
        }
        let request = web_sys::Request::new_with_str_and_init(self.url, &init).map_err(error_text)?;
        let response = gloo_net::http::Request::from(request).send().await.map_err(|e| e.to_string())?;
        Ok(response.into())
    }
}

/// The response body as text.
pub async fn text(response: &Response) -> Result<String, String> {
    let text = JsFuture::from(response.text().map_err(error_text)?).await.map_err(error_text)?;
    Ok(text.as_string().unwrap_or_default())
}

/// The response headers JavaScript can read, as `(name, value)` in the browser's order.
pub fn headers(response: &Response) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// A thrown JavaScript value as its text (`String(error)`).
fn error_text(error: JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) => e.to_string().into(),
        None => error.as_string().unwrap_or_else(|| "fetch failed".to_owned()),
    }
}
