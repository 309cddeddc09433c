//! Which CSRF defense stops which attacker: the other site's page from the same site
//! (`http://localhost:PORT`, another port) and from another site (`http://127.0.0.1:PORT`),
//! against each defense the lab has. The page shows this table; `tests/browser/defenses.rs`
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

/// A defense, with the settings the lab runs it with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefenseSetup {
    /// The session cookie `SameSite=Lax` (the default), no other defense.
    Lax,
    /// The session cookie `SameSite=Strict`.
    Strict,
    /// The Origin check defense.
    OriginCheck,
    /// The Fetch Metadata defense (`Sec-Fetch-Site`, tower-http's `CsrfLayer`).
    FetchMetadata,
    /// "JSON only", with the lab's default policy, which refuses the attacker's preflight.
    JsonOnly,
    /// "JSON only", with a policy that reflects any origin with credentials.
    JsonOnlyAllowed,
    /// The CSRF token defense (`X-CSRF-Token`, the session's token).
    CsrfToken,
}

impl DefenseSetup {
    pub const ALL: [DefenseSetup; 7] = [
        DefenseSetup::Lax,
        DefenseSetup::Strict,
        DefenseSetup::OriginCheck,
        DefenseSetup::FetchMetadata,
        DefenseSetup::JsonOnly,
        DefenseSetup::JsonOnlyAllowed,
        DefenseSetup::CsrfToken,
    ];

    /// The name in `data-defense`.
    pub fn id(self) -> &'static str {
        match self {
            DefenseSetup::Lax => "lax",
            DefenseSetup::Strict => "strict",
            DefenseSetup::OriginCheck => "origin-check",
            DefenseSetup::FetchMetadata => "fetch-metadata",
            DefenseSetup::JsonOnly => "json-only",
            DefenseSetup::JsonOnlyAllowed => "json-only-allowed",
            DefenseSetup::CsrfToken => "csrf-token",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DefenseSetup::Lax => "SameSite=Lax (the default)",
            DefenseSetup::Strict => "SameSite=Strict",
            DefenseSetup::OriginCheck => "the Origin check",
            DefenseSetup::FetchMetadata => "Fetch Metadata (Sec-Fetch-Site, tower-http's CsrfLayer)",
            DefenseSetup::JsonOnly => "\"JSON only\", CORS refusing the attacker's preflight",
            DefenseSetup::JsonOnlyAllowed => "\"JSON only\", the policy reflecting any origin with credentials",
            DefenseSetup::CsrfToken => "the CSRF token (X-CSRF-Token, the session's token)",
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

/// What `attacker` achieves against `defense`. The same in every engine the tests drive: the
/// cookie rows use Lax and Strict, which each of them keeps off requests from another site and
/// sends from another port of the same site (SameSite is about sites, not origins); where the
/// engines differ (`SameSite=None`) the page measures the person's browser live instead.
pub fn outcome(defense: DefenseSetup, attacker: Attacker) -> Cell {
    use {Attacker::*, DefenseSetup::*, Transfer::*};
    let cell = |transfer, words| Cell { transfer, words };
    match (defense, attacker) {
        (Lax, SameSite) => cell(Ran, "transfer ran"),
        (Strict, SameSite) => cell(Ran, "transfer ran (sites, not origins)"),
        (Lax | Strict | JsonOnlyAllowed, CrossSite) => cell(Refused, "refused (no cookie)"),
        (OriginCheck, _) => cell(Refused, "refused (403 origin_refused)"),
        (FetchMetadata, _) => cell(Refused, "refused (403 fetch_metadata_refused)"),
        (JsonOnly, _) => cell(Refused, "refused (415, or the JSON request never sent: its preflight is refused)"),
        (JsonOnlyAllowed, SameSite) => cell(Ran, "transfer ran (the policy let the JSON through)"),
        (CsrfToken, SameSite) => cell(Refused, "refused (403 csrf_token_refused: no token came)"),
        // The session is looked up before the token is checked: with no cookie, no session.
        (CsrfToken, CrossSite) => cell(Refused, "refused (no cookie)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table measured in Chromium 156, Firefox 153 ESR and WebKitGTK 2.50 (the CSRF token
    /// row in Chromium 156 so far)
    /// (`tests/browser/defenses.rs`), row by row: same-site, cross-site.
    #[test]
    fn the_table_is_what_the_engines_did() {
        use Transfer::*;
        let measured = [
            (DefenseSetup::Lax, Ran, Refused),
            (DefenseSetup::Strict, Ran, Refused),
            (DefenseSetup::OriginCheck, Refused, Refused),
            (DefenseSetup::FetchMetadata, Refused, Refused),
            (DefenseSetup::JsonOnly, Refused, Refused),
            (DefenseSetup::JsonOnlyAllowed, Ran, Refused),
            (DefenseSetup::CsrfToken, Refused, Refused),
        ];
        assert_eq!(measured.map(|(d, ..)| d), DefenseSetup::ALL);
        for (defense, same_site, cross_site) in measured {
            assert_eq!(outcome(defense, Attacker::SameSite).transfer, same_site, "{defense:?}");
            assert_eq!(outcome(defense, Attacker::CrossSite).transfer, cross_site, "{defense:?}");
        }
    }

    #[test]
    fn the_words_agree_with_the_outcome() {
        for defense in DefenseSetup::ALL {
            for attacker in Attacker::ALL {
                let cell = outcome(defense, attacker);
                assert_eq!(cell.words.starts_with("transfer ran"), cell.transfer == Transfer::Ran, "{defense:?} {attacker:?}");
            }
        }
    }
}
