//! The seed's sessions-vs-JWT table, each row linked to the lab that shows it.

use leptos::prelude::*;

/// Static markup, written once as HTML: as `view!` nodes it would cost several kilobytes of
/// wasm for text that never changes.
const TABLE: &str = r##"<table>
<thead><tr><th scope="col"></th><th scope="col">Session cookie</th><th scope="col">JWT bearer token</th><th scope="col">Show me</th></tr></thead>
<tbody>
<tr><th scope="row">Where the data is</th><td>On the server: sessionStore[id] → {userId}</td><td>In the token itself: sub, email, exp</td><td><a href="#session-store">See the store</a></td></tr>
<tr><th scope="row">How it travels</th><td>A cookie the browser attaches by itself (credentials: "include")</td><td>An Authorization header the page's code adds</td><td><a href="#composer">Try both in the composer</a></td></tr>
<tr><th scope="row">What the server checks</th><td>That the id exists and has not expired</td><td>The HMAC signature and exp, with no lookup</td><td><a href="#token">Tamper with a token</a></td></tr>
<tr><th scope="row">Logging out</th><td>Delete the session: it ends at once</td><td>Nothing to delete: the token works until exp</td><td><a href="#auth-lab">Log out, then replay</a></td></tr>
<tr><th scope="row">Scaling</th><td>Every instance must reach the same store (sticky sessions or Redis)</td><td>Any instance with the secret can verify it</td><td><a href="#session-store">Where sessions live</a></td></tr>
</tbody>
</table>"##;

#[component]
pub fn Comparison() -> impl IntoView {
    view! {
        <section class="panel" id="comparison" aria-labelledby="comparison-title">
            <h2 id="comparison-title">"6. Sessions vs JWT"</h2>
            <div class="table-scroll" inner_html=TABLE></div>
        </section>
    }
}
