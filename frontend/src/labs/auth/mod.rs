//! The auth lab: log in with a session cookie or get a JWT (`auth_lab`, with the cookie's
//! attributes), the server's session store (`session_store`), and the token decoded, edited
//! and re-signed (`token_panel`, from `token`), and the attacker's tools on it (`token_tools`,
//! from `forge`).

pub mod auth_lab;
pub mod forge;
pub mod session_store;
pub mod token;
pub mod token_panel;
pub mod token_tools;
