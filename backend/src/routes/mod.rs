//! Route handlers, one module per area of API.md.

pub mod api;
pub mod control;
pub mod exploit;
