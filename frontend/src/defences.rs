//! Which CSRF defence stops which attacker: the other site's page from the same site
//! (`http://localhost:PORT`, another port) and from another site (`http://127.0.0.1:PORT`),
//! against each defence the lab has. The page shows this table; `tests/browser/defences.rs`
//! measures every cell in each engine (the victim's balance as the proof) and compares it with
//! the page's claim.

/// Where the attacker's page runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attacker {
    /// `http://localhost:PORT`: another origin of the same site as the playground.
    SameSite,
    /// `http://127.0.0.1:PORT`: another site.
    CrossSite,
}

impl Attacker {
    pub const ALL: [Attacker; 2] = [Attacker::SameSite, Attacker::CrossSite];

    /// The name in `data-attacker`.
    pub fn id(self) -> &'static str {
        match self {
            Attacker::SameSite => "same-site",
            Attacker::CrossSite => "cross-site",
        }
    }
}

/// A defence, with the settings the lab runs it with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defence {
    /// The session cookie `SameSite=Lax` (the default), no other defence.
    Lax,
    /// The session cookie `SameSite=Strict`.
    Strict,
    /// The Origin check defence.
    OriginCheck,
    /// The Fetch Metadata defence (`Sec-Fetch-Site`, tower-http's `CsrfLayer`).
    FetchMetadata,
    /// "JSON only", with the lab's default policy, which refuses the attacker's preflight.
    JsonOnly,
    /// "JSON only", with a policy that reflects any origin with credentials.
    JsonOnlyAllowed,
}

impl Defence {
    pub const ALL: [Defence; 6] =
        [Defence::Lax, Defence::Strict, Defence::OriginCheck, Defence::FetchMetadata, Defence::JsonOnly, Defence::JsonOnlyAllowed];

    /// The name in `data-defence`.
    pub fn id(self) -> &'static str {
        match self {
            Defence::Lax => "lax",
            Defence::Strict => "strict",
            Defence::OriginCheck => "origin-check",
            Defence::FetchMetadata => "fetch-metadata",
            Defence::JsonOnly => "json-only",
            Defence::JsonOnlyAllowed => "json-only-allowed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Defence::Lax => "SameSite=Lax (the default)",
            Defence::Strict => "SameSite=Strict",
            Defence::OriginCheck => "the Origin check",
            Defence::FetchMetadata => "Fetch Metadata (Sec-Fetch-Site, tower-http's CsrfLayer)",
            Defence::JsonOnly => "\"JSON only\", CORS refusing the attacker's preflight",
            Defence::JsonOnlyAllowed => "\"JSON only\", the policy reflecting any origin with credentials",
        }
    }
}

/// What the attacker's transfer came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    Ran,
    Refused,
}

impl Transfer {
    /// The name in `data-expect`.
    pub fn id(self) -> &'static str {
        match self {
            Transfer::Ran => "ran",
            Transfer::Refused => "refused",
        }
    }
}

/// One cell: the outcome and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub transfer: Transfer,
    pub words: &'static str,
}

/// What `attacker` achieves against `defence`. The same in every engine the tests drive: the
/// cookie rows use Lax and Strict, which each of them keeps off requests from another site and
/// sends from another port of the same site (SameSite is about sites, not origins); where the
/// engines differ (`SameSite=None`) the page measures the person's browser live instead.
pub fn outcome(defence: Defence, attacker: Attacker) -> Cell {
    use {Attacker::*, Defence::*, Transfer::*};
    let cell = |transfer, words| Cell { transfer, words };
    match (defence, attacker) {
        (Lax, SameSite) => cell(Ran, "transfer ran"),
        (Strict, SameSite) => cell(Ran, "transfer ran (sites, not origins)"),
        (Lax | Strict | JsonOnlyAllowed, CrossSite) => cell(Refused, "refused (no cookie)"),
        (OriginCheck, _) => cell(Refused, "refused (403 origin_refused)"),
        (FetchMetadata, _) => cell(Refused, "refused (403 fetch_metadata_refused)"),
        (JsonOnly, _) => cell(Refused, "refused (415, or the JSON request never sent: its preflight is refused)"),
        (JsonOnlyAllowed, SameSite) => cell(Ran, "transfer ran (the policy let the JSON through)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table measured in Chromium 156, Firefox 153 ESR and WebKitGTK 2.50
    /// (`tests/browser/defences.rs`), row by row: same-site, cross-site.
    #[test]
    fn the_table_is_what_the_engines_did() {
        use Transfer::*;
        let measured = [
            (Defence::Lax, Ran, Refused),
            (Defence::Strict, Ran, Refused),
            (Defence::OriginCheck, Refused, Refused),
            (Defence::FetchMetadata, Refused, Refused),
            (Defence::JsonOnly, Refused, Refused),
            (Defence::JsonOnlyAllowed, Ran, Refused),
        ];
        assert_eq!(measured.map(|(d, ..)| d), Defence::ALL);
        for (defence, same_site, cross_site) in measured {
            assert_eq!(outcome(defence, Attacker::SameSite).transfer, same_site, "{defence:?}");
            assert_eq!(outcome(defence, Attacker::CrossSite).transfer, cross_site, "{defence:?}");
        }
    }

    #[test]
    fn the_words_agree_with_the_outcome() {
        for defence in Defence::ALL {
            for attacker in Attacker::ALL {
                let cell = outcome(defence, attacker);
                assert_eq!(cell.words.starts_with("transfer ran"), cell.transfer == Transfer::Ran, "{defence:?} {attacker:?}");
            }
        }
    }
}
