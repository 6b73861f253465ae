//! The one query the usage contract makes: who holds which role in an org, asked of the
//! billing contract (`{"org":{"id":..}}`). Only the fields needed here are read, so billing may
//! add fields freely.

use serde::Serialize;

use privexbot_shared::cosmwasm_std::{Binary, ContractResult, Deps, StdError, SystemResult};
use privexbot_shared::storage::{from_json_bytes, to_json_bytes};

use crate::error::ContractError;
use crate::state::BillingLink;

// The request is written here rather than with `QuerierWrapper::query_wasm_smart`, whose
// serializer covers every kind of chain query (bank, staking, ...) and so adds their code to
// the wasm (size, crate README "Size"); the JSON is the same `{"wasm":{"smart":..}}`.
#[derive(Serialize)]
struct Request<'a> {
    wasm: Wasm<'a>,
}

#[derive(Serialize)]
struct Wasm<'a> {
    smart: Smart<'a>,
}

#[derive(Serialize)]
struct Smart<'a> {
    contract_addr: &'a str,
    /// Secret Network binds a query to the callee's code.
    #[cfg(feature = "secret")]
    callback_code_hash: &'a str,
    msg: Binary,
}

/// The roles of an org that matter for reading its usage (read by `state_read.rs`: `owner`,
/// and `admins` and `auditors` when present; other fields are ignored).
#[derive(Debug)]
pub struct OrgRoles {
    pub owner: String,
    pub admins: Vec<String>,
    pub auditors: Vec<String>,
}

impl OrgRoles {
    /// Owners, admins and auditors may read usage; members may not.
    pub fn may_read_usage(&self, address: &str) -> bool {
        self.owner == address
            || self.admins.iter().any(|a| a == address)
            || self.auditors.iter().any(|a| a == address)
    }
}

pub fn query_org_roles(
    deps: Deps,
    billing: &BillingLink,
    org_id: u64,
) -> Result<OrgRoles, ContractError> {
    let failed = |reason: String| ContractError::BillingQueryFailed { org_id, reason };
    // Billing's `{"org":{"id":..}}`, as serde would write it.
    let msg = format!("{{\"org\":{{\"id\":{org_id}}}}}");
    let request = to_json_bytes(&Request {
        wasm: Wasm {
            smart: Smart {
                contract_addr: billing.address.as_str(),
                #[cfg(feature = "secret")]
                callback_code_hash: &billing.code_hash,
                msg: Binary::from(msg.into_bytes()),
            },
        },
    })
    .map_err(|e| failed(e.to_string()))?;
    // The same errors, worded the same, as `QuerierWrapper::query`.
    let answer = match deps.querier.raw_query(&request) {
        SystemResult::Err(e) => Err(StdError::generic_err(format!("Querier system error: {e}"))),
        SystemResult::Ok(ContractResult::Err(e)) => Err(StdError::generic_err(format!(
            "Querier contract error: {e}"
        ))),
        SystemResult::Ok(ContractResult::Ok(value)) => from_json_bytes::<OrgRoles>(&value),
    };
    answer.map_err(|e| failed(e.to_string()))
}
