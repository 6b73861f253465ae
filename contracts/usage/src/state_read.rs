//! How stored values, and the billing contract's answer, are read from JSON: one reader per
//! type over the shared [`Json`] tree, for the same reason as messages (`json.rs`). Stored
//! JSON is what serde's derived `Serialize` wrote, by this version or an older one: a field a
//! later version added takes its default when an older value lacks it.

use serde::{Deserialize, Deserializer};

use crate::billing::OrgRoles;
use crate::msg::{BatchHeader, ReceiptHeader, UsageCounters, DEFAULT_MAX_RECEIPT_LINES};
use crate::msg_read::{binary, signer_mode, string};
use crate::state::{BillingLink, Config, Signer};
use privexbot_shared::json::{deserialize_with, Json, Read};

macro_rules! read_by {
    ($ty:ty, $read:ident) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_with(deserializer, $read)
            }
        }
    };
}

read_by!(Config, config);
read_by!(Signer, signer);
read_by!(UsageCounters, usage_counters);
read_by!(BatchHeader, batch_header);
read_by!(ReceiptHeader, receipt_header);
read_by!(OrgRoles, org_roles);

fn config(j: &Json) -> Read<Config> {
    let f = j.open_object()?;
    let billing = f.required("billing")?.open_object()?;
    Ok(Config {
        admin: f.req("admin", Json::addr)?,
        billing: BillingLink {
            address: billing.req("address", Json::addr)?,
            code_hash: billing.req("code_hash", string)?,
        },
        max_batch_size: f.req("max_batch_size", Json::u32)?,
        max_future_skew_secs: f.req("max_future_skew_secs", Json::u64)?,
        address_prefix: f.req("address_prefix", string)?,
        max_receipt_lines: f.or("max_receipt_lines", Json::u32, DEFAULT_MAX_RECEIPT_LINES)?,
        accept_v1: f.or("accept_v1", Json::bool, true)?,
        // A config without the field was stored before the compact counters.
        legacy_counters: f.or("legacy_counters", Json::bool, true)?,
    })
}

fn signer(j: &Json) -> Read<Signer> {
    let f = j.open_object()?;
    Ok(Signer {
        pubkey: f.req("pubkey", binary)?,
        attestation_hash: f.req("attestation_hash", binary)?,
        mode: f.req("mode", signer_mode)?,
        registered_by: f.req("registered_by", Json::addr)?,
        registered_at: f.req("registered_at", Json::timestamp)?,
        revoked_at: f.opt("revoked_at", Json::timestamp)?,
        last_seq: f.req("last_seq", Json::u64)?,
    })
}

fn usage_counters(j: &Json) -> Read<UsageCounters> {
    let f = j.object(&["messages", "prompt_tokens", "completion_tokens"])?;
    Ok(UsageCounters {
        messages: f.req("messages", Json::uint64)?,
        prompt_tokens: f.req("prompt_tokens", Json::uint128)?,
        completion_tokens: f.req("completion_tokens", Json::uint128)?,
    })
}

fn batch_header(j: &Json) -> Read<BatchHeader> {
    let f = j.object(&[
        "id",
        "signer",
        "first_seq",
        "last_seq",
        "count",
        "merkle_root",
        "time",
        "height",
        "relayer",
        "prompt_tokens",
        "completion_tokens",
    ])?;
    Ok(BatchHeader {
        id: f.req("id", Json::u64)?,
        signer: f.req("signer", binary)?,
        first_seq: f.req("first_seq", Json::uint64)?,
        last_seq: f.req("last_seq", Json::uint64)?,
        count: f.req("count", Json::u32)?,
        merkle_root: f.req("merkle_root", binary)?,
        time: f.req("time", Json::timestamp)?,
        height: f.req("height", Json::u64)?,
        relayer: f.req("relayer", Json::addr)?,
        prompt_tokens: f.req("prompt_tokens", Json::uint128)?,
        completion_tokens: f.req("completion_tokens", Json::uint128)?,
    })
}

fn receipt_header(j: &Json) -> Read<ReceiptHeader> {
    let f = j.object(&[
        "id",
        "signer",
        "first_seq",
        "last_seq",
        "answers",
        "lines",
        "root",
        "receipt_hash",
        "time",
        "height",
        "relayer",
        "prompt_tokens",
        "completion_tokens",
    ])?;
    Ok(ReceiptHeader {
        id: f.req("id", Json::u64)?,
        signer: f.req("signer", binary)?,
        first_seq: f.req("first_seq", Json::uint64)?,
        last_seq: f.req("last_seq", Json::uint64)?,
        answers: f.req("answers", Json::uint64)?,
        lines: f.req("lines", Json::u32)?,
        root: f.req("root", binary)?,
        receipt_hash: f.req("receipt_hash", binary)?,
        time: f.req("time", Json::timestamp)?,
        height: f.req("height", Json::u64)?,
        relayer: f.req("relayer", Json::addr)?,
        prompt_tokens: f.req("prompt_tokens", Json::uint128)?,
        completion_tokens: f.req("completion_tokens", Json::uint128)?,
    })
}

/// Billing's `org` answer: only the fields needed here; billing may add others freely.
fn org_roles(j: &Json) -> Read<OrgRoles> {
    let f = j.open_object()?;
    Ok(OrgRoles {
        owner: f.req("owner", string)?,
        admins: f.or("admins", |l| l.list(string), Vec::new())?,
        auditors: f.or("auditors", |l| l.list(string), Vec::new())?,
    })
}

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::{Addr, Binary, Timestamp, Uint128, Uint64};
    use privexbot_shared::storage::{from_json_bytes, to_json_bytes};

    use crate::billing::OrgRoles;
    use crate::msg::{BatchHeader, ReceiptHeader, SignerMode, UsageCounters};
    use crate::state::{BillingLink, Config, Signer};

    fn round_trips<T>(value: T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let json = to_json_bytes(&value).unwrap();
        assert_eq!(from_json_bytes::<T>(&json).unwrap(), value);
    }

    fn config() -> Config {
        Config {
            admin: Addr::unchecked("admin"),
            billing: BillingLink {
                address: Addr::unchecked("billing"),
                code_hash: "ab".into(),
            },
            max_batch_size: 200,
            max_future_skew_secs: u64::MAX,
            address_prefix: "secret".into(),
            max_receipt_lines: 7,
            accept_v1: false,
            legacy_counters: false,
        }
    }

    #[test]
    fn what_the_contract_writes_reads_back_as_itself() {
        round_trips(config());
        let sums = UsageCounters {
            messages: Uint64::new(u64::MAX),
            prompt_tokens: Uint128::new(u128::MAX),
            completion_tokens: Uint128::zero(),
        };
        round_trips(sums.clone());
        for revoked_at in [None, Some(Timestamp::from_nanos(u64::MAX))] {
            round_trips(Signer {
                pubkey: Binary::from(vec![2u8; 33]),
                attestation_hash: Binary::from(vec![9u8; 32]),
                mode: SignerMode::Tee,
                registered_by: Addr::unchecked("admin"),
                registered_at: Timestamp::from_seconds(1_700_000_000),
                revoked_at,
                last_seq: 42,
            });
        }
        round_trips(BatchHeader {
            id: 3,
            signer: Binary::from(vec![2u8; 33]),
            first_seq: Uint64::new(1),
            last_seq: Uint64::new(9),
            count: 9,
            merkle_root: Binary::from(vec![1u8; 32]),
            time: Timestamp::from_nanos(5),
            height: 77,
            relayer: Addr::unchecked("relayer"),
            prompt_tokens: sums.prompt_tokens,
            completion_tokens: Uint128::new(8),
        });
        round_trips(ReceiptHeader {
            id: 0,
            signer: Binary::from(vec![3u8; 33]),
            first_seq: Uint64::new(10),
            last_seq: Uint64::new(19),
            answers: Uint64::new(10),
            lines: 2,
            root: Binary::from(vec![4u8; 32]),
            receipt_hash: Binary::from(vec![5u8; 32]),
            time: Timestamp::from_seconds(1),
            height: u64::MAX,
            relayer: Addr::unchecked("relayer"),
            prompt_tokens: Uint128::new(300),
            completion_tokens: Uint128::new(90),
        });
    }

    /// A config stored before receipts and compact counters (no `max_receipt_lines`,
    /// `accept_v1`, `legacy_counters`) loads with the defaults that keep it working.
    #[test]
    fn an_older_config_loads_with_the_defaults() {
        let old = br#"{"admin":"a","billing":{"address":"b","code_hash":""},"max_batch_size":200,"max_future_skew_secs":300,"address_prefix":"wasm"}"#;
        let c = from_json_bytes::<Config>(old).unwrap();
        assert_eq!(
            (c.max_receipt_lines, c.accept_v1, c.legacy_counters),
            (1_000, true, true)
        );
        assert!(from_json_bytes::<Config>(br#"{"admin":"a"}"#)
            .unwrap_err()
            .to_string()
            .contains("missing field `billing`"));
    }

    #[test]
    fn corrupt_or_foreign_values_are_refused() {
        let err = |json: &str| {
            from_json_bytes::<UsageCounters>(json.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"messages":"1","prompt_tokens":"2"}"#).contains("completion_tokens"));
        assert!(
            err(r#"{"messages":1,"prompt_tokens":"2","completion_tokens":"3"}"#)
                .contains("messages: invalid type")
        );
        assert!(err(
            r#"{"messages":"1","prompt_tokens":"340282366920938463463374607431768211456","completion_tokens":"3"}"#
        )
        .contains("invalid Uint128"));
        assert!(
            err(r#"{"messages":"1","prompt_tokens":"2","completion_tokens":"3","x":0}"#)
                .contains("unknown field `x`")
        );
    }

    #[test]
    fn billing_may_answer_more_than_the_roles() {
        let answer =
            br#"{"id":"7","owner":"o","admins":["a"],"members":["m"],"balance":{"x":[1,2]}}"#;
        let roles = from_json_bytes::<OrgRoles>(answer).unwrap();
        assert!(roles.may_read_usage("o") && roles.may_read_usage("a"));
        assert!(!roles.may_read_usage("m"));
        let minimal = from_json_bytes::<OrgRoles>(br#"{"owner":"o"}"#).unwrap();
        assert!(minimal.admins.is_empty() && minimal.auditors.is_empty());
        assert!(from_json_bytes::<OrgRoles>(br#"{"admins":[]}"#).is_err());
    }
}
