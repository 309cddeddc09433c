//! Backend tests: one binary, one module per area (zero2prod's layout). Routes are called through
//! `helpers::test_app()` with `oneshot`; a module that opens sockets says why in its doc.

mod auth;
mod balancer;
mod binary;
mod challenges;
mod churn;
mod control_access;
mod control_plane;
mod csrf_token;
mod defenses;
mod errors;
mod events;
mod exploit_server;
mod helpers;
mod lab_cors;
mod lab_routes;
mod mistakes;
mod oracle;
mod reliability;
mod scaling;
mod security;
mod store_contract;
mod vulnerable;
