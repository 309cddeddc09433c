//! When the page gets no answer it may read from its backend, it finds out which of the two
//! reasons it is (`Api::reachable`) and says so: nothing runs there, or the backend runs but
//! does not trust this page's origin (opened at `http://127.0.0.1:8080`, say, while the backend
//! trusts `http://localhost:8080`: every request is refused and nothing else would say why).

use leptos::prelude::*;

use crate::{
    api::{self, Api},
    page,
    state::LiveSettings,
};

/// The origin the backend trusts by default (`--frontend-origin`).
const DEFAULT_FRONTEND: &str = "http://localhost:8080";

#[component]
pub fn Unreachable() -> impl IntoView {
    let api = expect_context::<Api>();
    let live = expect_context::<LiveSettings>();
    let base = api.base().to_owned();
    // Asks only once the settings failed for want of an answer; again if they load later.
    let reached = LocalResource::new(move || {
        let failed = matches!(live.loaded(), Some(Err(api::Error::Network(_))));
        let probe = failed.then(|| api.reachable());
        async move {
            match probe {
                Some(probe) => Some(probe.await),
                None => None,
            }
        }
    });
    move || {
        let origin = page::origin();
        match reached.get().flatten() {
            Some(true) => {
                let here = page::address();
                let trusted = if origin.contains("127.0.0.1") { here.replacen("127.0.0.1", "localhost", 1) } else { format!("{DEFAULT_FRONTEND}/") };
                view! {
                    <p id="backend-untrusted" class="error" role="alert">
                        "The backend at " <code>{base.clone()}</code> " is running but does not let this page in: it answers only the origins it "
                        "was started with (" <code>"--frontend-origin"</code> ", " <code>{DEFAULT_FRONTEND}</code> " unless told otherwise), and this page is "
                        "at " <code>{origin.clone()}</code> ". Open " <a id="backend-trusted-link" href=trusted.clone()>{trusted.clone()}</a>
                        ", or start the backend with " <code>{format!("cargo xtask run -- --frontend-origin {origin}")}</code> "."
                    </p>
                }
                .into_any()
            }
            Some(false) => view! {
                <p id="backend-down" class="error" role="alert">
                    "Nothing answers at " <code>{base.clone()}</code> ": start the playground with " <code>"cargo xtask run"</code> "."
                </p>
            }
            .into_any(),
            None => ().into_any(),
        }
    }
}
