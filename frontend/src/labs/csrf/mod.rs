//! The CSRF lab: the other site's bank-transfer attack and its story (`bank`, `attack`), which
//! defense stops which attacker (`defenses`), and third-party cookies measured in the person's
//! own browser (`third_party_probe`); the playground's own transfer, with the CSRF token when
//! that defense is on (`own_transfer`); and the attacker's exploit server (`exploit_server`).

pub mod attack;
pub mod bank;
pub mod defenses;
pub mod exploit_server;
pub mod own_transfer;
pub mod site_link;
pub mod third_party_probe;
