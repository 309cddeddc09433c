//! The page's prediction for its latest result (the data attributes it carries, and the
//! console sentence it shows), held against what the engine did.

use super::*;

impl Browser {
    /// Clicks `css` (a button that sends a lab request) and waits until its result is shown.
    pub async fn send_lab_request(&self, css: &str) {
        let before = self.attr("#latest", "data-probe").await.unwrap_or_default();
        self.click(css).await;
        self.wait_attr("#latest", "data-probe", |p| p != before).await;
        self.wait_attr("#latest .views", "data-rid", |r| !r.is_empty()).await;
    }

    /// How the prediction the latest result carries differs from what the engine did: `did`
    /// is `readable` or `blocked`, `preflight` the engine's preflight (`sent`, `cached` or
    /// `none`). Also, in Chromium, the `corsError` the DevTools protocol reported, and the
    /// sentence the page says the console prints against the console's own (Chromium, Firefox;
    /// WebKit's driver shows no console). Reads, and so drops, the DevTools events and console
    /// lines so far.
    pub async fn prediction_differences(&self, did: &str, preflight: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let views = "#latest .views";
        let verdict = self.settle_attr(views, "data-verdict", |v| !v.is_empty()).await;
        let rid = self.attr(views, "data-rid").await.unwrap_or_default();
        let attr = async |name: &str| self.attr(views, name).await.unwrap_or_default();
        let (predicted_preflight, cors_error, engine) = (attr("data-preflight").await, attr("data-cors-error").await, attr("data-engine").await);
        if verdict != did {
            problems.push(format!("data-verdict {verdict:?}, but the engine's answer was {did}"));
        }
        if predicted_preflight != preflight {
            problems.push(format!("data-preflight {predicted_preflight:?}, but the engine's preflight was {preflight:?}"));
        }
        if engine != self.engine.as_str() {
            problems.push(format!("data-engine {engine:?} in {:?}", self.engine));
        }
        if let Some(events) = self.devtools_events().await {
            let reported = cors_error_of(&events, &rid).unwrap_or_default();
            if cors_error != reported {
                problems.push(format!("data-cors-error {cors_error:?}, but the DevTools protocol reported {reported:?}"));
            }
        }
        let says = self.text("#latest .console-says").await;
        if did == "readable" {
            if !says.is_empty() {
                problems.push(format!("a readable result says the console printed {says:?}"));
            }
            return problems;
        }
        match self.cors_console_line(&rid).await {
            Some(logged) if logged != says => problems.push(format!("the page says the console prints\n      {says:?}\n    the console printed\n      {logged:?}")),
            Some(_) => {}
            // WebKit's driver shows no console: the page's sentence is at least WebKit's.
            None if self.console().await.is_none() => {
                if !says.ends_with("due to access control checks.") {
                    problems.push(format!("the page's console sentence is not WebKit's: {says:?}"));
                }
            }
            None => problems.push(format!("the console printed no CORS line for {rid}; the page says {says:?}")),
        }
        problems
    }
}
