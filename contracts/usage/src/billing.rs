//! The one query the usage contract makes: who holds which role in an org, asked of the
//! billing contract (`{"org":{"id":..}}`). Only the fields needed here are read, so billing may
//! add fields freely.

use serde::Serialize;

use privexbot_shared::cosmwasm_std::Deps;

use crate::error::ContractError;
use crate::state::BillingLink;

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum BillingQuery {
    Org { id: u64 },
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
    let msg = BillingQuery::Org { id: org_id };
    #[cfg(feature = "vanilla")]
    let result = deps
        .querier
        .query_wasm_smart(billing.address.as_str(), &msg);
    #[cfg(feature = "secret")]
    let result = deps
        .querier
        .query_wasm_smart(&billing.code_hash, billing.address.as_str(), &msg);
    result.map_err(|e| ContractError::BillingQueryFailed {
        org_id,
        reason: e.to_string(),
    })
}
