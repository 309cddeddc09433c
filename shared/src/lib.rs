//! What the backend and the frontend share, as plain Rust without I/O: the wire types of the
//! HTTP contract (`wire`; the contract in words is `docs/api.md`), the CORS rules (`cors`:
//! the server's decision and the browser's check), HS256 JWTs (`jwt`) and the session
//! cookie's attributes (`cookie`). The page explains a decision with the very code the server
//! runs; `docs/architecture.md` shows where each rule is used.

pub mod challenge;
pub mod cookie;
pub mod cors;
pub mod jwt;
pub mod wire;
