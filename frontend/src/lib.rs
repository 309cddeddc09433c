//! The playground's UI: a Leptos client-side app on one origin calling the backend on another.

pub mod api;
pub mod app;
pub mod components;
pub mod outcome;

pub use app::App;
