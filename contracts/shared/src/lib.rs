//! Everything in PrivexBot's contracts that differs between Secret Network and vanilla
//! CosmWasm lives here, so the contracts themselves are written once.
//!
//! - [`cosmwasm_std`]: the standard library of the selected target (`vanilla`: cosmwasm-std 1.5,
//!   `secret`: secret-cosmwasm-std 1.1). Contracts import it from here, never directly.
//! - [`storage`]: typed storage handles that never iterate over ranges (Secret has no iterator);
//!   values as JSON or in [`compact`], a small binary format.
//! - [`json`]: one JSON tree reader for contract messages, instead of serde code per type.
//! - [`json_writer`]: query answers written as JSON by plain code, as serde_json_wasm writes them.
//! - [`entry_points!`]: the wasm exports of a contract, for both targets, through our own
//!   [`entry`] (env and info read through [`json`], the result written by [`json_out`], chain
//!   queries answered through [`querier`]).
//! - [`token`]: payment tokens: CW20 vs SNIP-20 `receive` callbacks, transfers, and SNIP-20
//!   `register_receive`.
//! - [`permit`], [`viewing_key`]: SNIP-24 query permits and viewing keys, our own code on both
//!   targets (permits checked with the host's `secp256k1_verify`, so no C libsecp256k1 is
//!   linked into the Secret wasm; see each module for why not secret-toolkit's).

#[cfg(all(feature = "vanilla", feature = "secret"))]
compile_error!("features `vanilla` and `secret` are exclusive: build with --no-default-features --features secret");
#[cfg(not(any(feature = "vanilla", feature = "secret")))]
compile_error!("enable exactly one of the features `vanilla` (default) or `secret`");

#[cfg(feature = "vanilla")]
pub use cosmwasm_std;
#[cfg(feature = "secret")]
pub use secret_cosmwasm_std as cosmwasm_std;
#[cfg(feature = "secret")]
pub use secret_toolkit;

pub mod compact;
pub mod entry;
pub mod json;
pub mod json_out;
pub mod json_writer;
pub mod permit;
pub mod querier;
pub mod storage;
pub mod token;
pub mod viewing_key;

/// Declares the wasm exports of a contract whose module `$m` has `instantiate`, `execute` and
/// `query` with the usual signatures (and `migrate` with `entry_points!(module, migrate)`).
/// Written as a macro rather than cosmwasm's `#[entry_point]` because that attribute expands
/// to paths under `::cosmwasm_std`, which is not the crate name on the Secret target; it calls
/// [`entry::wasm`] rather than cosmwasm-std's `do_*` for size (see [`entry`]).
#[macro_export]
macro_rules! entry_points {
    ($m:path, migrate) => {
        $crate::entry_points!($m);

        #[cfg(target_arch = "wasm32")]
        mod __wasm_migrate_export {
            use $m as contract;

            #[no_mangle]
            extern "C" fn migrate(env_ptr: u32, msg_ptr: u32) -> u32 {
                $crate::entry::wasm::migrate(contract::migrate, env_ptr, msg_ptr)
            }
        }
    };
    ($m:path) => {
        #[cfg(target_arch = "wasm32")]
        mod __wasm_exports {
            use $crate::entry::wasm;
            use $m as contract;

            #[no_mangle]
            extern "C" fn instantiate(env_ptr: u32, info_ptr: u32, msg_ptr: u32) -> u32 {
                wasm::instantiate_or_execute(contract::instantiate, env_ptr, info_ptr, msg_ptr)
            }

            #[no_mangle]
            extern "C" fn execute(env_ptr: u32, info_ptr: u32, msg_ptr: u32) -> u32 {
                wasm::instantiate_or_execute(contract::execute, env_ptr, info_ptr, msg_ptr)
            }

            #[no_mangle]
            extern "C" fn query(env_ptr: u32, msg_ptr: u32) -> u32 {
                wasm::query(contract::query, env_ptr, msg_ptr)
            }
        }
    };
}
