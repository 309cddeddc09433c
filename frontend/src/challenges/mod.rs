//! The guided challenges (`shared::challenge`): the list grouped by role, starting and
//! stopping one, its goal and hints, and once the server's judge finds it solved, the lesson
//! and the log entries that proved it (`panel`). What a challenge adds per engine, or from
//! what this browser was measured to do, is `notes`: the catalogue's words are shown as they are.

pub mod notes;
pub mod panel;
