//! What is live on the server: the lab's CORS policy, the session cookie's attributes and the
//! CSRF defenses, loaded from the control plane together, and replaced one by one by what the
//! server confirms after a change.

use futures_util::future::try_join3;
use leptos::prelude::*;
use shared::{cookie::CookiePolicy, cors::CorsPolicy, wire::Defenses};

use super::{Panel, Problem};
use crate::api::{self, Api};

/// The lab's settings as the server has them.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub policy: CorsPolicy,
    pub cookie: CookiePolicy,
    pub defenses: Defenses,
}

/// A change to one of them.
#[derive(Clone, Debug)]
pub enum Change {
    Policy(CorsPolicy),
    Cookie(CookiePolicy),
    Defenses(Defenses),
}

#[derive(Clone, Copy)]
pub struct LiveSettings {
    live: LocalResource<api::Result<Live>>,
    change: Action<Change, ()>,
}

impl LiveSettings {
    pub fn new(api: &Api, problem: Problem) -> LiveSettings {
        let live = LocalResource::new({
            let api = api.clone();
            move || {
                let loaded = try_join3(api.get_policy(), api.get_cookie(), api.get_defenses());
                async move { loaded.await.map(|(policy, cookie, defenses)| Live { policy, cookie, defenses }) }
            }
        });
        let api = api.clone();
        let change = Action::new_local(move |change: &Change| {
            let (at, sent) = (change.panel(), send(api.clone(), change.clone()));
            async move {
                match sent.await {
                    Ok(confirmed) => {
                        live.update(|live| {
                            if let Some(Ok(live)) = live {
                                confirmed.apply_to(live);
                            }
                        });
                        problem.clear();
                    }
                    Err(failed) => problem.report(at, failed),
                }
            }
        });
        LiveSettings { live, change }
    }

    /// The settings as loaded: `None` while loading, or why they could not be.
    pub fn loaded(&self) -> Option<api::Result<Live>> {
        self.live.get()
    }

    /// The policy live on the server, once loaded.
    pub fn policy(&self) -> Option<CorsPolicy> {
        self.live.with(|live| Some(live.as_ref()?.as_ref().ok()?.policy.clone()))
    }

    pub fn cookie(&self) -> Option<CookiePolicy> {
        self.live.with(|live| Some(live.as_ref()?.as_ref().ok()?.cookie))
    }

    pub fn defenses(&self) -> Option<Defenses> {
        self.live.with(|live| Some(live.as_ref()?.as_ref().ok()?.defenses))
    }

    /// Asks the server for `change`; the page shows the setting once the server confirmed it.
    pub fn apply(&self, change: Change) {
        self.change.dispatch(change);
    }

    /// Loads everything again (after a reset).
    pub fn reload(&self) {
        self.live.refetch();
    }
}

impl Change {
    /// The lab whose setting this is: where a refusal is shown.
    fn panel(&self) -> Panel {
        match self {
            Change::Policy(_) => Panel::Policy,
            Change::Cookie(_) => Panel::Auth,
            Change::Defenses(_) => Panel::Csrf,
        }
    }

    fn apply_to(self, live: &mut Live) {
        match self {
            Change::Policy(policy) => live.policy = policy,
            Change::Cookie(cookie) => live.cookie = cookie,
            Change::Defenses(defenses) => live.defenses = defenses,
        }
    }
}

/// Sends `change`, and hands back what the server confirmed, or why nothing changed.
async fn send(api: Api, change: Change) -> Result<Change, String> {
    match change {
        Change::Policy(p) => api.put_policy(&p).await.map(Change::Policy).map_err(|e| format!("The policy was not changed: {e}")),
        Change::Cookie(c) => api.put_cookie(&c).await.map(Change::Cookie).map_err(|e| format!("The cookie settings were not changed: {e}")),
        Change::Defenses(d) => api.put_defenses(&d).await.map(Change::Defenses).map_err(|e| format!("The defenses were not changed: {e}")),
    }
}
