//! What is live on the server: the lab's CORS policy, the session cookie's attributes, the
//! CSRF defenses and the deliberately vulnerable settings, loaded from the control plane together, and replaced one by one by what the
//! server confirms after a change; and replaced whole by the settings the server's event
//! stream announces after any change, made in this page or another (`replace`).

use futures_util::future::try_join4;
use leptos::prelude::*;
use shared::{
    cookie::CookiePolicy,
    cors::CorsPolicy,
    wire::{Defenses, JwtSettings, Settings, Vulnerable},
};

use super::{Panel, Problem};
use crate::api::{self, Api};

/// The lab's settings as the server has them.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub policy: CorsPolicy,
    pub cookie: CookiePolicy,
    pub defenses: Defenses,
    pub vulnerable: Vulnerable,
}

/// A change to one of them.
#[derive(Clone, Debug)]
pub enum Change {
    Policy(CorsPolicy),
    Cookie(CookiePolicy),
    Defenses(Defenses),
    /// The vulnerable settings, switched from the lab `at` (where a refusal is shown): each
    /// lab has its own toggle, and both go in one body.
    Vulnerable { to: Vulnerable, at: Panel },
}

#[derive(Clone, Copy)]
pub struct LiveSettings {
    live: LocalResource<api::Result<Live>>,
    /// The JWT settings as the event stream last announced them: the page loads them only
    /// when the person asks for the server's secret.
    jwt: RwSignal<Option<JwtSettings>>,
    change: Action<Change, ()>,
}

impl LiveSettings {
    pub fn new(api: &Api, problem: Problem) -> LiveSettings {
        let live = LocalResource::new({
            let api = api.clone();
            move || {
                let loaded = try_join4(api.get_policy(), api.get_cookie(), api.get_defenses(), api.get_vulnerable());
                async move { loaded.await.map(|(policy, cookie, defenses, vulnerable)| Live { policy, cookie, defenses, vulnerable }) }
            }
        });
        let api = api.clone();
        // One change at a time, in the order asked: two sent at once may reach the server in
        // either order (WebKit's did), and the one asked first would then be the one that stays.
        let in_order = std::rc::Rc::new(futures_util::lock::Mutex::new(()));
        let change = Action::new_local(move |change: &Change| {
            let (at, api, change, in_order) = (change.panel(), api.clone(), change.clone(), in_order.clone());
            async move {
                let _turn = in_order.lock().await;
                match send(api, change).await {
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
        LiveSettings { live, jwt: RwSignal::new(None), change }
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

    pub fn vulnerable(&self) -> Option<Vulnerable> {
        self.live.with(|live| Some(live.as_ref()?.as_ref().ok()?.vulnerable))
    }

    /// Asks the server for `change`; the page shows the setting once the server confirmed it.
    pub fn apply(&self, change: Change) {
        self.change.dispatch(change);
    }

    /// Whether a change this page asked for is on its way to the server.
    pub fn changing(&self) -> bool {
        self.change.pending().get()
    }

    /// Loads everything again (after a reset).
    pub fn reload(&self) {
        self.live.refetch();
    }

    /// The JWT settings the server announced after a change, if one came since the page opened.
    pub fn jwt(&self) -> Option<JwtSettings> {
        self.jwt.get()
    }

    /// Everything as the server now has it, after a change made anywhere (the event stream's
    /// `settings`). A change this page made comes back too: the same values again notify nobody,
    /// so a field the person is editing is left alone.
    pub fn replace(&self, settings: Settings) {
        let Settings { policy, cookie, defenses, jwt, vulnerable } = settings;
        let now = Live { policy, cookie, defenses, vulnerable };
        if self.live.with_untracked(|live| !matches!(live, Some(Ok(live)) if *live == now)) {
            self.live.set(Some(Ok(now)));
        }
        if self.jwt.with_untracked(|known| known.as_ref() != Some(&jwt)) {
            self.jwt.set(Some(jwt));
        }
    }
}

impl Change {
    /// The lab whose setting this is: where a refusal is shown.
    fn panel(&self) -> Panel {
        match self {
            Change::Policy(_) => Panel::Policy,
            Change::Cookie(_) => Panel::Auth,
            Change::Defenses(_) => Panel::Csrf,
            Change::Vulnerable { at, .. } => *at,
        }
    }

    fn apply_to(self, live: &mut Live) {
        match self {
            Change::Policy(policy) => live.policy = policy,
            Change::Cookie(cookie) => live.cookie = cookie,
            Change::Defenses(defenses) => live.defenses = defenses,
            Change::Vulnerable { to, .. } => live.vulnerable = to,
        }
    }
}

/// Sends `change`, and hands back what the server confirmed, or why nothing changed.
async fn send(api: Api, change: Change) -> Result<Change, String> {
    match change {
        Change::Policy(p) => api.put_policy(&p).await.map(Change::Policy).map_err(|e| format!("The policy was not changed: {e}")),
        Change::Cookie(c) => api.put_cookie(&c).await.map(Change::Cookie).map_err(|e| format!("The cookie settings were not changed: {e}")),
        Change::Defenses(d) => api.put_defenses(&d).await.map(Change::Defenses).map_err(|e| format!("The defenses were not changed: {e}")),
        Change::Vulnerable { to, at } => {
            api.put_vulnerable(&to).await.map(|to| Change::Vulnerable { to, at }).map_err(|e| format!("The vulnerable settings were not changed: {e}"))
        }
    }
}
