//! The CSRF lab: the other site's bank-transfer attack and its story (`bank`, `attack`), which
//! defense stops which attacker (`defenses`), and third-party cookies measured in the person's
//! own browser (`third_party_probe`).

pub mod attack;
pub mod bank;
pub mod defenses;
pub mod third_party_probe;
