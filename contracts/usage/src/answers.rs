//! The JSON of the query answers (and of `create_viewing_key`'s response data), written by the
//! shared [`JsonWriter`] instead of serde's derived `Serialize` per type (contracts README,
//! "Size"). Fields in the order `msg.rs` declares them: the derived schemas stay the published
//! API, and the tests check that both writers give the same bytes.

use privexbot_shared::json_writer::{JsonWriter, ToJson};

use crate::msg::{
    BatchHeader, BatchesResponse, BillingContract, ConfigResponse, DayUsage, LastSeqResponse,
    OrgBotsResponse, ReceiptHeader, ReceiptsResponse, RelayersResponse, SignerMode, SignerResponse,
    SignersResponse, TotalsResponse, UsageCounters, UsageResponse, ViewingKeyResponse,
};

impl ToJson for BillingContract {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("address", &self.address)
            .field("code_hash", &self.code_hash)
            .end();
    }
}

impl ToJson for SignerMode {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(match self {
            SignerMode::Tee => "tee",
            SignerMode::Dev => "dev",
        });
    }
}

impl ToJson for ConfigResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("admin", &self.admin)
            .field("pending_admin", &self.pending_admin)
            .field("billing", &self.billing)
            .field("max_batch_size", &self.max_batch_size)
            .field("max_future_skew_secs", &self.max_future_skew_secs)
            .field("address_prefix", &self.address_prefix)
            .field("max_receipt_lines", &self.max_receipt_lines)
            .field("accept_v1", &self.accept_v1)
            .end();
    }
}

impl ToJson for SignerResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("pubkey", &self.pubkey)
            .field("attestation_hash", &self.attestation_hash)
            .field("mode", &self.mode)
            .field("registered_by", &self.registered_by)
            .field("registered_at", &self.registered_at)
            .field("revoked_at", &self.revoked_at)
            .field("last_seq", &self.last_seq)
            .end();
    }
}

impl ToJson for SignersResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("signers", &self.signers)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for LastSeqResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("signer", &self.signer)
            .field("last_seq", &self.last_seq)
            .end();
    }
}

impl ToJson for RelayersResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin().field("relayers", &self.relayers).end();
    }
}

impl ToJson for BatchHeader {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("id", &self.id)
            .field("signer", &self.signer)
            .field("first_seq", &self.first_seq)
            .field("last_seq", &self.last_seq)
            .field("count", &self.count)
            .field("merkle_root", &self.merkle_root)
            .field("time", &self.time)
            .field("height", &self.height)
            .field("relayer", &self.relayer)
            .field("prompt_tokens", &self.prompt_tokens)
            .field("completion_tokens", &self.completion_tokens)
            .end();
    }
}

impl ToJson for BatchesResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("batches", &self.batches)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for ReceiptHeader {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("id", &self.id)
            .field("signer", &self.signer)
            .field("first_seq", &self.first_seq)
            .field("last_seq", &self.last_seq)
            .field("answers", &self.answers)
            .field("lines", &self.lines)
            .field("root", &self.root)
            .field("receipt_hash", &self.receipt_hash)
            .field("time", &self.time)
            .field("height", &self.height)
            .field("relayer", &self.relayer)
            .field("prompt_tokens", &self.prompt_tokens)
            .field("completion_tokens", &self.completion_tokens)
            .end();
    }
}

impl ToJson for ReceiptsResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("receipts", &self.receipts)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for UsageCounters {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("messages", &self.messages)
            .field("prompt_tokens", &self.prompt_tokens)
            .field("completion_tokens", &self.completion_tokens)
            .end();
    }
}

impl ToJson for TotalsResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("batches", &self.batches)
            .field("receipts", &self.receipts)
            .field("counters", &self.counters)
            .end();
    }
}

impl ToJson for DayUsage {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("day", &self.day)
            .field("counters", &self.counters)
            .end();
    }
}

impl ToJson for UsageResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org_id", &self.org_id)
            .field("bot", &self.bot)
            .field("days", &self.days)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for OrgBotsResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org_id", &self.org_id)
            .field("bots", &self.bots)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for ViewingKeyResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin().field("key", &self.key).end();
    }
}

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::{Addr, Binary, Timestamp, Uint128, Uint64};

    use super::*;

    use privexbot_shared::storage::assert_written_like_serde as same;

    fn counters(n: u64) -> UsageCounters {
        UsageCounters {
            messages: Uint64::new(n),
            prompt_tokens: Uint128::new(u128::MAX - n as u128),
            completion_tokens: Uint128::zero(),
        }
    }

    fn signer(revoked: Option<Timestamp>, mode: SignerMode) -> SignerResponse {
        SignerResponse {
            pubkey: Binary::from(vec![2u8; 33]),
            attestation_hash: Binary::from(vec![0xfb; 32]),
            mode,
            registered_by: Addr::unchecked("secret1admin"),
            registered_at: Timestamp::from_nanos(1_700_000_000_123_456_789),
            revoked_at: revoked,
            last_seq: Uint64::new(u64::MAX),
        }
    }

    fn batch(id: u64) -> BatchHeader {
        BatchHeader {
            id,
            signer: Binary::from(vec![3u8; 33]),
            first_seq: Uint64::new(1),
            last_seq: Uint64::new(200),
            count: 200,
            merkle_root: Binary::from(vec![0xff; 32]),
            time: Timestamp::from_seconds(1_765_000_000),
            height: 12_345,
            relayer: Addr::unchecked("secret1relayer"),
            prompt_tokens: Uint128::new(9_000),
            completion_tokens: Uint128::new(u128::MAX),
        }
    }

    fn receipt(id: u64) -> ReceiptHeader {
        ReceiptHeader {
            id,
            signer: Binary::from(vec![2u8; 33]),
            first_seq: Uint64::new(201),
            last_seq: Uint64::new(10_200),
            answers: Uint64::new(10_000),
            lines: 300,
            root: Binary::from(vec![7u8; 32]),
            receipt_hash: Binary::from(vec![8u8; 32]),
            time: Timestamp::from_nanos(0),
            height: u64::MAX,
            relayer: Addr::unchecked("secret1relayer"),
            prompt_tokens: Uint128::zero(),
            completion_tokens: Uint128::new(1),
        }
    }

    #[test]
    fn every_answer_is_written_as_serde_json_wasm_writes_it() {
        for (pending_admin, code_hash) in [(None, None), (Some("secret1next"), Some("ab\"c"))] {
            same(&ConfigResponse {
                admin: Addr::unchecked("secret1admin"),
                pending_admin: pending_admin.map(Addr::unchecked),
                billing: BillingContract {
                    address: "secret1billing".into(),
                    code_hash: code_hash.map(String::from),
                },
                max_batch_size: 200,
                max_future_skew_secs: 300,
                address_prefix: "secret".into(),
                max_receipt_lines: u32::MAX,
                accept_v1: code_hash.is_some(),
            });
        }
        let tee = signer(None, SignerMode::Tee);
        let dev = signer(Some(Timestamp::from_seconds(5)), SignerMode::Dev);
        same(&tee);
        same(&dev);
        same(&SignersResponse {
            signers: vec![tee, dev],
            total: 2,
        });
        same(&SignersResponse {
            signers: vec![],
            total: 0,
        });
        same(&LastSeqResponse {
            signer: Binary::from(vec![2u8; 33]),
            last_seq: Uint64::zero(),
        });
        same(&RelayersResponse {
            relayers: vec![Addr::unchecked("secret1a"), Addr::unchecked("secret1b")],
        });
        same(&RelayersResponse { relayers: vec![] });
        same(&batch(0));
        same(&BatchesResponse {
            batches: vec![batch(0), batch(1)],
            total: 9,
        });
        same(&receipt(4));
        same(&ReceiptsResponse {
            receipts: vec![receipt(0), receipt(1), receipt(2)],
            total: 3,
        });
        same(&TotalsResponse {
            batches: 1,
            receipts: 2,
            counters: counters(3),
        });
        for bot in [
            None,
            Some("6f1c2d3e-0000-4000-8000-00000000000a".to_string()),
        ] {
            same(&UsageResponse {
                org_id: 7,
                bot,
                days: vec![
                    DayUsage {
                        day: 20_000,
                        counters: counters(1),
                    },
                    DayUsage {
                        day: u32::MAX,
                        counters: counters(u64::MAX),
                    },
                ],
                total: counters(2),
            });
        }
        same(&OrgBotsResponse {
            org_id: u64::MAX,
            bots: vec!["a".into(), "b\\\"".into()],
            total: 2,
        });
        same(&ViewingKeyResponse {
            key: "api_key_Zm9v+/=".into(),
        });
    }
}
