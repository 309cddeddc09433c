//! The scaling lab: this backend's instance and the peers it names, sessions in each one's
//! memory or in Redis (`instances`), and behind a load balancer (`balancer`, its words and
//! rules in `balancing`).

pub mod balancer;
pub mod balancing;
pub mod instances;
