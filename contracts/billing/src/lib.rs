#![doc = include_str!("../README.md")]

mod access;
mod answers;
mod config;
pub mod contract;
mod error;
pub mod msg;
mod msg_read;
mod orgs;
mod payments;
mod plans;
mod revenue;
mod staking;
mod state;
mod subscriptions;

#[cfg(all(test, feature = "secret"))]
mod secret_tests;

pub use crate::error::ContractError;

#[cfg(not(feature = "library"))]
privexbot_shared::entry_points!(crate::contract);
