//! Views: each wires the state's signals to markup; the logic lives in plain modules.

pub mod auth_lab;
pub mod balancer;
pub mod bank;
pub mod code_export;
pub mod comparison;
pub mod composer;
pub mod console_reader;
pub mod control_token;
pub mod controls;
pub mod policy_panel;
pub mod results;
pub mod scaling;
pub mod session_store;
pub mod shared_draft;
pub mod third_party_probe;
pub mod token_panel;
