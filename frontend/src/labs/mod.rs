//! The labs, one folder each: its views, and the plain logic and words they show. A lab uses
//! the shared parts (`crate::api`, `crate::state`, `crate::engines`, …), never another lab;
//! only the Sessions vs JWT table (`comparison`), which links into the labs, reads one of
//! them (the scaling lab's cases).

pub mod auth;
pub mod comparison;
pub mod cors;
pub mod csrf;
pub mod scaling;
pub mod vulnerable;
