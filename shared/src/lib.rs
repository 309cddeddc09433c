//! What the backend and the frontend share, as plain Rust without I/O:
//! the wire types of the HTTP contract (`../shared/design/API.md`) and the CORS rules,
//! so that the page explains a decision with the very code the server runs.

pub mod cookie;
pub mod cors;
pub mod jwt;
pub mod wire;
