#![doc = include_str!("../README.md")]

mod access;
mod admin;
mod answers;
pub mod attestation;
mod batches;
mod billing;
pub mod bot_id;
mod compact;
pub mod contract;
mod counters;
mod error;
pub mod msg;
mod msg_read;
pub mod receipt;
mod receipts;
mod relayers;
mod signers;
mod state;
mod state_read;
#[cfg(test)]
mod tests;
mod usage_queries;

pub use crate::error::ContractError;

#[cfg(not(feature = "library"))]
privexbot_shared::entry_points!(crate::contract, migrate);
