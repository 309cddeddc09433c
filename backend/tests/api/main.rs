//! Backend tests over real sockets: one binary, one module per area (zero2prod's layout).

mod auth;
mod balancer;
mod binary;
mod churn;
mod control_access;
mod control_plane;
mod defenses;
mod errors;
mod events;
mod helpers;
mod lab_cors;
mod lab_routes;
mod oracle;
mod reliability;
mod scaling;
mod security;
mod store_contract;
