//! Views: each wires signals to markup and holds no logic of its own.

pub mod policy_panel;
pub mod probe;
pub mod server_view;
