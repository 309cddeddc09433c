//! Backend tests over real sockets: one binary, one module per area (zero2prod's layout).

mod binary;
mod control_plane;
mod errors;
mod helpers;
mod lab_cors;
