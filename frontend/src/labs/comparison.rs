//! The sessions-vs-JWT table, each row linked to the lab that shows it.

use leptos::prelude::*;

use super::scaling::balancing::CASES;

/// Each row: what is compared, for a session cookie, for a JWT, and where the page shows it.
const ROWS: [(&str, &str, &str, &str, &str); 4] = [
    ("Where the data is", "On the server: sessionStore[id] → {userId}", "In the token itself: sub, email, exp", "#session-store", "See the store"),
    (
        "How it travels",
        "A cookie the browser attaches by itself (credentials: \"include\")",
        "An Authorization header the page's code adds",
        "#composer",
        "Try both in the composer",
    ),
    ("What the server checks", "That the id exists and has not expired", "The HMAC signature and exp, with no lookup", "#token", "Tamper with a token"),
    ("Logging out", "Delete the session: it ends at once", "Nothing to delete: the token works until exp", "#auth-lab", "Log out, then replay"),
];

/// The Scaling row links into each case of the scaling lab behind a load balancer
/// (`balancing::CASES`): sticky sessions and Redis for the cookie, nothing for the JWT.
const SCALING: (&str, &str, &str) =
    ("Scaling", "Every instance must reach the same store (sticky sessions or Redis)", "Any instance with the secret can verify it");

/// The column headers, also each cell's label when a narrow screen stacks the table.
const SESSION: &str = "Session cookie";
const JWT: &str = "JWT bearer token";
const SHOW: &str = "Show me";

#[component]
pub fn Comparison() -> impl IntoView {
    view! {
        <section class="panel" id="comparison" aria-labelledby="comparison-title">
            <h2 id="comparison-title">"6. Sessions vs JWT"</h2>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Aspect"</th>
                            <th scope="col">{SESSION}</th>
                            <th scope="col">{JWT}</th>
                            <th scope="col">{SHOW}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {ROWS
                            .map(|(aspect, session, jwt, href, link)| view! {
                                <tr>
                                    <th scope="row">{aspect}</th><td data-label=SESSION>{session}</td><td data-label=JWT>{jwt}</td>
                                    <td data-label=SHOW><a href=href>{link}</a></td>
                                </tr>
                            })}
                        <tr id="comparison-scaling">
                            <th scope="row">{SCALING.0}</th><td data-label=SESSION>{SCALING.1}</td><td data-label=JWT>{SCALING.2}</td>
                            <td data-label=SHOW>
                                <a href="#session-store">"Where sessions live"</a>
                                // The four cases make this row the table's longest: folded, for who scales.
                                <details class="fold small">
                                    <summary>"Behind a load balancer: four cases"</summary>
                                    <ul>
                                        {CASES.map(|case| view! { <li><a href=format!("#{}", case.id)>{case.title}</a></li> })}
                                    </ul>
                                </details>
                            </td>
                        </tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
