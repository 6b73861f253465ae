//! The one query the usage contract makes: who holds which role in an org, asked of the
//! billing contract (`{"org":{"id":..}}`). Only the fields needed here are read, so billing may
//! add fields freely.

use privexbot_shared::cosmwasm_std::{Binary, ContractResult, Deps, StdError, SystemResult};
use privexbot_shared::json_writer::{JsonWriter, ToJson};
use privexbot_shared::storage::from_json_bytes;

use crate::error::ContractError;
use crate::state::BillingLink;

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

// The request is written here rather than with `QuerierWrapper::query_wasm_smart`, whose
// serializer covers every kind of chain query (bank, staking, ...) and so adds their code to
// the wasm (size, crate README "Size"); the JSON is the same `{"wasm":{"smart":..}}`.
struct SmartQuery<'a> {
    billing: &'a BillingLink,
    msg: Binary,
}

impl ToJson for SmartQuery<'_> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.variant("wasm")
            .variant("smart")
            .begin()
            .field("contract_addr", &self.billing.address);
        // Secret Network binds a query to the callee's code.
        #[cfg(feature = "secret")]
        out.field("callback_code_hash", &self.billing.code_hash);
        out.field("msg", &self.msg).end();
        out.end();
        out.end();
    }
}

/// Billing's `{"org":{"id":..}}`.
struct OrgQuery(u64);

impl ToJson for OrgQuery {
    fn write_json(&self, out: &mut JsonWriter) {
        out.variant("org").begin().field("id", &self.0).end();
        out.end();
    }
}

pub fn query_org_roles(
    deps: Deps,
    billing: &BillingLink,
    org_id: u64,
) -> Result<OrgRoles, ContractError> {
    let failed = |reason: String| ContractError::BillingQueryFailed { org_id, reason };
    let request = JsonWriter::to_vec(&SmartQuery {
        billing,
        msg: JsonWriter::binary(&OrgQuery(org_id)),
    });
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

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::Addr;
    use privexbot_shared::json_writer::JsonWriter;

    use super::{OrgQuery, SmartQuery};
    use crate::state::BillingLink;

    #[test]
    fn the_org_query_is_the_smart_query_the_host_expects() {
        let billing = BillingLink {
            address: Addr::unchecked("secret1billing"),
            code_hash: "c0de".into(),
        };
        let request = JsonWriter::to_vec(&SmartQuery {
            billing: &billing,
            msg: JsonWriter::binary(&OrgQuery(u64::MAX)),
        });
        let request: serde_json::Value = serde_json::from_slice(&request).unwrap();
        let msg = serde_json::json!({"org": {"id": u64::MAX}}).to_string();
        let msg = privexbot_shared::cosmwasm_std::Binary::from(msg.as_bytes()).to_base64();
        let smart = if cfg!(feature = "secret") {
            serde_json::json!({"contract_addr": "secret1billing", "callback_code_hash": "c0de", "msg": msg})
        } else {
            serde_json::json!({"contract_addr": "secret1billing", "msg": msg})
        };
        assert_eq!(request, serde_json::json!({"wasm": {"smart": smart}}));
    }
}
