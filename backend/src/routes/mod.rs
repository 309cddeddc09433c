//! Route handlers, one module per area of API.md.

pub mod api;
pub mod challenge;
pub mod control;
pub mod exploit;
