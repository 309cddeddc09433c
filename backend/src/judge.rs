//! Starts a guided challenge and judges it: after every new log entry, exploit-server hit
//! and settings change, from the typed log, the hits and the settings in force
//! (`shared::challenge::judge`). The page never says whether it solved anything.

use std::sync::Arc;

use shared::{
    challenge::{self, ChallengeId, Evidence, Run, SECRET_WORDS, Solved},
    cors::ValidPolicy,
};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    clock::rfc3339,
    live_cors::LivePolicy,
    sessions::StoreError,
    state::{JwtSigning, LiveLab},
};

/// The site of the lab API as the pages call it: the playground's page and the other site's
/// pages all address it as `http://localhost:PORT`, the host its session cookie belongs to.
/// Only the scheme and host make a site, so the port (or a load balancer's) does not matter.
const LAB_API_SITE: &str = "http://localhost";

/// Starts `id`: the lab reset and set up as the challenge says, and a judge that follows it
/// until it is solved, stopped or replaced.
pub async fn start(lab: &Arc<LiveLab>, frontend_origins: &[String], now_ms: u64, id: ChallengeId) -> Result<Run, StoreError> {
    lab.reset().await?;
    let setup = challenge::setup(id, &frontend_origins[0]);
    // Every setup validates (a unit test of the catalogue checks it); a policy that did not
    // would leave the reset's default policy in force.
    let policy = ValidPolicy::try_from(setup.policy).ok().map(|p| Arc::new(LivePolicy::new(p)));
    let word = if setup.secret_word { Some(random_word()?) } else { None };
    let jwt = match &word {
        Some(word) => Arc::new(JwtSigning::new(word.clone(), lab.start_jwt().ttl_seconds)),
        None => lab.start_jwt(),
    };
    lab.update_settings(|s| {
        if let Some(policy) = policy {
            s.policy = policy;
        }
        s.cookie = setup.cookie;
        s.defenses = setup.defenses;
        s.vulnerable = setup.vulnerable;
        s.jwt = jwt;
    });
    let started_after = lab.log().last_seq();
    let run = Run { id, started_after, started_at: rfc3339(now_ms), solved: None, judged_through: started_after };
    lab.challenge().begin(run.clone(), word);
    tokio::spawn(judge_until_done(lab.clone(), frontend_origins.to_vec(), run.clone()));
    Ok(run)
}

fn random_word() -> Result<String, StoreError> {
    let mut byte = [0u8; 1];
    getrandom::fill(&mut byte).map_err(|e| StoreError(format!("the OS random source failed: {e}")))?;
    Ok(SECRET_WORDS[usize::from(byte[0]) % SECRET_WORDS.len()].to_owned())
}

/// Judges `run` again after each new log entry, hit or change, until it is solved or no
/// longer the run.
async fn judge_until_done(lab: Arc<LiveLab>, frontend_origins: Vec<String>, run: Run) {
    let mut entries = lab.log().subscribe();
    let mut hits = lab.exploit().subscribe();
    let mut settings = lab.settings_changes();
    let mut runs = lab.challenge().changes();
    while lab.challenge().is_open(&run) {
        match verdict(&lab, &frontend_origins, &run) {
            (Some(solved), _) => {
                lab.challenge().solve(&run, solved);
                return;
            }
            (None, judged_through) => lab.challenge().judged(&run, judged_through),
        }
        // A lagging receiver is fine: each wake-up reads the whole log since the start.
        let closed = tokio::select! {
            r = entries.recv() => matches!(r, Err(RecvError::Closed)),
            r = hits.recv() => matches!(r, Err(RecvError::Closed)),
            r = settings.changed() => r.is_err(),
            r = runs.changed() => r.is_err(),
        };
        if closed {
            return;
        }
    }
}

/// The verdict, and the last log `seq` it read.
fn verdict(lab: &LiveLab, frontend_origins: &[String], run: &Run) -> (Option<Solved>, u64) {
    let live_after = lab.settings().live_after;
    let entries = lab.log().after(run.started_after);
    let judged_through = entries.last().map_or(run.started_after, |e| e.seq);
    // A start clears the access log: every hit it holds came after.
    let hits = lab.exploit().hits_after(0);
    let settings = lab.settings_view();
    let word = lab.challenge().secret_word();
    let evidence = Evidence {
        entries: &entries,
        settled_after: live_after.max(run.started_after),
        hits: &hits,
        settings: &settings,
        frontend_origins,
        api_origin: LAB_API_SITE,
        secret_word: word.as_deref(),
    };
    (challenge::judge(run.id, &evidence), judged_through)
}
