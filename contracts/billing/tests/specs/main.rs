//! Specifications of the billing contract, run on cw-multi-test (vanilla build) with
//! cw20-base as the payment token and the staking module for delegation. Every scenario
//! checks the accounting invariant after each step (`Suite::assert_books`).
#![cfg(feature = "vanilla")]

mod suite;

mod lifecycle;
mod org_cap;
mod orgs;
mod privacy;
mod properties;
mod refusals;
mod staking;
