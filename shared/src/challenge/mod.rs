//! Guided challenges on the real lab. Each one sets the lab up (`setup`), states a goal, gives
//! hints one at a time and a lesson once solved (`catalogue`), and is solved only when the
//! server's own typed log since its start, and the settings in force, show that it happened
//! (`judge`). The backend runs the judge; the page only hears the verdict
//! (`GET /control/challenge`, `event: challenge`).

mod catalogue;
mod judge;

use serde::{Deserialize, Serialize};

pub use catalogue::{CATALOGUE, Challenge, Role, SECRET_WORDS, Setup, setup};
pub use judge::{Evidence, judge};

/// The challenges, in the catalogue's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeId {
    CredentialsAndWildcard,
    BearerPreflight,
    OnePreflight,
    ReadTheHeader,
    ReflectedOrigin,
    TrustedNull,
    MoveTheMoney,
    SameSiteIsNotSameOrigin,
    DefendTheBank,
    LaxIsNotEnough,
    TheTokenThatStopsIt,
    LogoutThatDoesnt,
    ForgeTheAdmin,
    CrackTheSecret,
}

impl ChallengeId {
    /// Its entry in the catalogue.
    pub fn challenge(self) -> &'static Challenge {
        CATALOGUE.iter().find(|c| c.id == self).expect("every id is in the catalogue")
    }

    /// The snake_case name, as on the wire and in `localStorage`.
    pub fn as_str(self) -> &'static str {
        self.challenge().key
    }

    pub fn parse(key: &str) -> Option<ChallengeId> {
        CATALOGUE.iter().find(|c| c.key == key).map(|c| c.id)
    }
}

/// `POST /control/challenge`: start one (the lab is reset to its setup).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartChallenge {
    pub id: ChallengeId,
}

/// The running challenge, as `GET /control/challenge`, `POST /control/challenge` and
/// `event: challenge` give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: ChallengeId,
    /// The log's last `seq` when it started: the judge reads the entries after it.
    pub started_after: u64,
    /// RFC 3339, when it started.
    pub started_at: String,
    /// `null` until the judge finds it solved; then what proved it.
    pub solved: Option<Solved>,
    /// The log's last `seq` the judge has read: everything up to it was judged (what `GET
    /// /control/challenge` answers is current; an event carries the value when it was sent).
    /// So "not solved" is a verdict once it reaches the entry in question.
    #[serde(default)]
    pub judged_through: u64,
}

/// What proved a challenge solved: the log entries (`seq`) and the exploit server's access
/// log entries (`ExploitHit::seq`) the judge read it from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solved {
    pub entries: Vec<u64>,
    pub hits: Vec<u64>,
}

/// `GET /control/challenge`: the running challenge, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeState {
    pub run: Option<Run>,
}
