//! Types that the simulator's state holds and its handlers share: roles,
//! sign-in interrupts, the fault configuration, what the request log records,
//! the Table service's accounts, tables and entities.
//! They import nothing of `state` or of the handlers, so imports point one
//! way: handlers (`arm`, `entra`, `graph`, `control`, the middlewares) →
//! `state` → `model` (and the leaf `throttle`).

pub mod faults;
pub mod log;
pub mod roles;
pub mod signin;
pub mod tables;
