//! The auth lab: log in with a session cookie or get a JWT (`auth_lab`, with the cookie's
//! attributes), the server's session store (`session_store`), and the token decoded, edited
//! and re-signed (`token_panel`, from `token`).

pub mod auth_lab;
pub mod session_store;
pub mod token;
pub mod token_panel;
