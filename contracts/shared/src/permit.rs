//! SNIP-24 query permits, checked by our own code on both targets.
//!
//! A permit is an account's offline signature (Keplr `signAmino`) over an amino sign doc
//! naming the chain (`chain_id`), the contracts it may be shown to (`allowed_tokens`) and what
//! it allows (`permissions`). The contract derives the account's address from the signing key,
//! so a permit proves an address without a transaction.
//!
//! The check is amino JSON sign doc → SHA-256 → the host's `secp256k1_verify` (`deps.api`) →
//! address `bech32(prefix, ripemd160(sha256(pubkey)))`, written here rather than taken from
//! secret-toolkit's `permit` crate for two reasons:
//! - secret-toolkit verifies through its `crypto` crate, which links the C libsecp256k1
//!   (`secp256k1-sys`, compiled with `cc`): about 100 KB of every Secret wasm, and the reason
//!   the Secret build needed clang. The host function does the same check for a few bytes.
//! - secret-toolkit (0.10.3) never compares the permit's `chain_id` with the chain it runs on,
//!   so a permit signed for a testnet would open mainnet data. [`verify_permit`] does.
//!
//! The JSON shapes and the revocation storage keys are secret-toolkit's, so permits and
//! revocations made for it keep working.

mod bech32;
mod ripemd160;

use crate::cosmwasm_std::{Binary, Deps, Env, Storage};
use crate::json_writer::quoted;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Storage prefix of revoked permit names, followed by `account + permit_name` as in
/// secret-toolkit.
pub const REVOKED_PERMITS_PREFIX: &str = "revoked_permits";

/// Why a permit was refused. The messages never repeat the signature.
#[derive(thiserror::Error, Debug, PartialEq, Eq, Clone)]
pub enum PermitError {
    #[error("permit is not valid for this contract ({contract})")]
    WrongContract { contract: String },
    #[error("permit was signed for chain {}, this is {}", quoted(.permit_chain_id), quoted(.chain_id))]
    WrongChain {
        permit_chain_id: String,
        chain_id: String,
    },
    #[error("permit {} was revoked by {}", quoted(.name), .account)]
    Revoked { name: String, account: String },
    #[error("permit public key must be a 33-byte compressed secp256k1 key")]
    InvalidPubkey {},
    #[error("permit signature does not verify")]
    InvalidSignature {},
    #[error("invalid address prefix {}", quoted(.prefix))]
    InvalidPrefix { prefix: String },
}

/// The address (with bech32 prefix `hrp`) of the account whose key signed the permit, if the
/// permit was signed for this chain, names this contract, is not revoked and its signature
/// verifies.
pub fn verify_permit<P: Permissions>(
    deps: Deps,
    env: &Env,
    permit: &Permit<P>,
    hrp: &str,
) -> Result<String, PermitError> {
    if permit.params.chain_id != env.block.chain_id {
        return Err(PermitError::WrongChain {
            permit_chain_id: permit.params.chain_id.clone(),
            chain_id: env.block.chain_id.clone(),
        });
    }
    let this_contract = env.contract.address.as_str();
    if !permit
        .params
        .allowed_tokens
        .iter()
        .any(|t| t == this_contract)
    {
        return Err(PermitError::WrongContract {
            contract: this_contract.to_string(),
        });
    }
    let pubkey = permit.signature.pub_key.value.as_slice();
    if pubkey.len() != 33 || !(pubkey[0] == 2 || pubkey[0] == 3) {
        return Err(PermitError::InvalidPubkey {});
    }
    let account = account_from_pubkey(pubkey, hrp)?;
    if is_revoked(deps.storage, &account, &permit.params.permit_name) {
        return Err(PermitError::Revoked {
            name: permit.params.permit_name.clone(),
            account,
        });
    }
    verify_signature(deps, permit)?;
    Ok(account)
}

/// Refuses every later use of the sender's permit named `permit_name`.
pub fn revoke_permit(storage: &mut dyn Storage, account: &str, permit_name: &str) {
    storage.set(&revoked_key(account, permit_name), b"_");
}

fn is_revoked(storage: &dyn Storage, account: &str, permit_name: &str) -> bool {
    storage.get(&revoked_key(account, permit_name)).is_some()
}

fn revoked_key(account: &str, permit_name: &str) -> Vec<u8> {
    [REVOKED_PERMITS_PREFIX, account, permit_name]
        .concat()
        .into_bytes()
}

/// `bech32(hrp, ripemd160(sha256(pubkey)))`: the Cosmos SDK account address of a secp256k1 key.
pub fn account_from_pubkey(pubkey: &[u8], hrp: &str) -> Result<String, PermitError> {
    use sha2::{Digest, Sha256};

    let hash = ripemd160::ripemd160_of_32(&Sha256::digest(pubkey).into());
    bech32::encode(hrp, &hash).ok_or_else(|| PermitError::InvalidPrefix {
        prefix: hrp.to_string(),
    })
}

/// The bech32 prefix (human-readable part) of an address, e.g. `secret` for `secret1...`.
pub fn bech32_prefix(address: &str) -> Option<String> {
    bech32::decode_prefix(address)
}

/// Refuses a prefix that cannot start a bech32 address.
pub fn validate_prefix(prefix: &str) -> Result<(), PermitError> {
    if prefix.is_empty()
        || prefix
            .chars()
            .any(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit())
    {
        return Err(PermitError::InvalidPrefix {
            prefix: prefix.to_string(),
        });
    }
    account_from_pubkey(&[2u8; 33], prefix).map(|_| ())
}

fn verify_signature<P: Permissions>(deps: Deps, permit: &Permit<P>) -> Result<(), PermitError> {
    use sha2::{Digest, Sha256};

    let bytes = sign_doc(&permit.params).ok_or(PermitError::InvalidSignature {})?;
    let digest = Sha256::digest(&bytes);
    match deps.api.secp256k1_verify(
        &digest,
        permit.signature.signature.as_slice(),
        permit.signature.pub_key.value.as_slice(),
    ) {
        Ok(true) => Ok(()),
        _ => Err(PermitError::InvalidSignature {}),
    }
}

/// Reads a permit from a message's JSON tree ([`crate::json`]), its permissions with
/// `permission`. SNIP-24's permit shape, unlike our messages, lets other fields follow.
pub fn read_permit<P: Permissions>(
    j: &crate::json::Json,
    permission: fn(&crate::json::Json) -> crate::json::Read<P>,
) -> crate::json::Read<Permit<P>> {
    use crate::json::Json;
    let f = j.open_object()?;
    let params = f.required("params")?.open_object()?;
    let signature = f.required("signature")?.open_object()?;
    let pub_key = signature.required("pub_key")?.open_object()?;
    Ok(Permit {
        params: PermitParams {
            allowed_tokens: params.req("allowed_tokens", |l| l.list(Json::string))?,
            permit_name: params.req("permit_name", Json::string)?,
            chain_id: params.req("chain_id", Json::string)?,
            permissions: params
                .required("permissions")?
                .list(permission)
                .map_err(|e| format!("permissions: {e}"))?,
        },
        signature: PermitSignature {
            pub_key: PubKey {
                r#type: pub_key.req("type", Json::string)?,
                value: pub_key.req("value", Json::binary)?,
            },
            signature: signature.req("signature", Json::binary)?,
        },
    })
}

/// How a private query proves its caller's address, as read from a message: both contracts'
/// `QueryAuth` are `{"viewing_key": {"address", "key"}}` or `{"permit": <permit>}`, and differ
/// only in the permissions a permit may list.
#[derive(Debug, PartialEq)]
pub enum Auth<P: Permissions> {
    ViewingKey { address: String, key: String },
    Permit(Permit<P>),
}

/// Reads a query's `auth` ([`Auth`]), a permit's permissions with `permission`.
pub fn read_query_auth<P: Permissions>(
    j: &crate::json::Json,
    permission: fn(&crate::json::Json) -> crate::json::Read<P>,
) -> crate::json::Read<Auth<P>> {
    use crate::json::Json;
    let (variant, body) = j.variant(&["viewing_key", "permit"], false)?;
    Ok(if variant == 0 {
        let f = body.object(&["address", "key"])?;
        Auth::ViewingKey {
            address: f.req("address", Json::string)?,
            key: f.req("key", Json::string)?,
        }
    } else {
        Auth::Permit(read_permit(body, permission).map_err(|e| format!("permit: {e}"))?)
    })
}

// The JSON shapes of secret-toolkit's permit types.

/// Anything usable as a permit's permission list element.
pub trait Permissions:
    Clone + PartialEq + Serialize + for<'d> Deserialize<'d> + JsonSchema
{
}
impl<T> Permissions for T where
    T: Clone + PartialEq + Serialize + for<'d> Deserialize<'d> + JsonSchema
{
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub struct Permit<Permission: Permissions> {
    #[serde(bound = "")]
    pub params: PermitParams<Permission>,
    pub signature: PermitSignature,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub struct PermitParams<Permission: Permissions> {
    pub allowed_tokens: Vec<String>,
    pub permit_name: String,
    pub chain_id: String,
    #[serde(bound = "")]
    pub permissions: Vec<Permission>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub struct PermitSignature {
    pub pub_key: PubKey,
    pub signature: Binary,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub struct PubKey {
    /// "tendermint/PubKeySecp256k1" (not checked, as on Secret).
    pub r#type: String,
    /// 33-byte compressed secp256k1 public key.
    pub value: Binary,
}

/// The amino JSON sign doc that Keplr signs for a permit: keys sorted at every level (amino
/// JSON sorts them, and the signature covers the exact bytes), compact, as serde_json_wasm
/// writes [`SignDoc`]. Written as fixed text around the four values rather than through
/// serde's derived `Serialize` of five structs, for size (contracts README, "Size"); the tests
/// compare both.
fn sign_doc<P: Permissions>(params: &PermitParams<P>) -> Option<Vec<u8>> {
    use crate::json_writer::JsonWriter;
    let permissions = crate::storage::to_json_bytes(&params.permissions).ok()?;
    Some(
        [
            &br#"{"account_number":"0","chain_id":"#[..],
            &JsonWriter::to_vec(params.chain_id.as_str()),
            br#","fee":{"amount":[{"amount":"0","denom":"uscrt"}],"gas":"1"},"memo":"","msgs":[{"type":"query_permit","value":{"allowed_tokens":"#,
            &JsonWriter::to_vec(&params.allowed_tokens),
            br#","permissions":"#,
            &permissions,
            br#","permit_name":"#,
            &JsonWriter::to_vec(params.permit_name.as_str()),
            br#"}}],"sequence":"0"}"#,
        ]
        .concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmwasm_std::testing::{mock_dependencies, mock_env};
    use crate::cosmwasm_std::Uint128;
    use crate::cosmwasm_std::{Addr, Binary};
    use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
    use serde::Serialize;
    use sha2::{Digest, Sha256};

    /// The sign doc's structure, which `sign_doc` writes as text: serialized here to check it.
    #[derive(Serialize)]
    struct SignDoc<'a, P: Permissions> {
        account_number: Uint128,
        chain_id: &'a str,
        fee: Fee,
        memo: &'a str,
        msgs: [PermitMsg<'a, P>; 1],
        sequence: Uint128,
    }

    #[derive(Serialize)]
    struct Fee {
        amount: [Coin; 1],
        gas: Uint128,
    }

    #[derive(Serialize)]
    struct Coin {
        amount: Uint128,
        denom: &'static str,
    }

    #[derive(Serialize)]
    struct PermitMsg<'a, P: Permissions> {
        r#type: &'static str,
        value: PermitContent<'a, P>,
    }

    #[derive(Serialize)]
    struct PermitContent<'a, P: Permissions> {
        allowed_tokens: &'a [String],
        permissions: &'a [P],
        permit_name: &'a str,
    }

    impl<'a, P: Permissions> SignDoc<'a, P> {
        fn of(params: &'a PermitParams<P>) -> Self {
            SignDoc {
                account_number: Uint128::zero(),
                chain_id: &params.chain_id,
                fee: Fee {
                    amount: [Coin {
                        amount: Uint128::zero(),
                        denom: "uscrt",
                    }],
                    gas: Uint128::one(),
                },
                memo: "",
                msgs: [PermitMsg {
                    r#type: "query_permit",
                    value: PermitContent {
                        allowed_tokens: &params.allowed_tokens,
                        permissions: &params.permissions,
                        permit_name: &params.permit_name,
                    },
                }],
                sequence: Uint128::zero(),
            }
        }
    }

    #[derive(
        serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, schemars::JsonSchema,
    )]
    #[serde(rename_all = "snake_case")]
    enum Perm {
        History,
        Usage,
    }

    /// A permit signed by Keplr on pulsar-2, published in secret-toolkit's permit tests: the
    /// vanilla implementation must accept exactly what Secret Network accepts.
    fn keplr_permit() -> Permit<Perm> {
        let token = "secret1rf03820fp8gngzg2w02vd30ns78qkc8rg8dxaq".to_string();
        Permit {
            params: PermitParams {
                allowed_tokens: vec![token.clone()],
                permit_name: format!("memo_{token}"),
                chain_id: "pulsar-2".to_string(),
                permissions: vec![Perm::History],
            },
            signature: PermitSignature {
                pub_key: PubKey {
                    r#type: "tendermint/PubKeySecp256k1".to_string(),
                    value: Binary::from_base64("A5M49l32ZrV+SDsPnoRv8fH7ivNC4gEX9prvd4RwvRaL").unwrap(),
                },
                signature: Binary::from_base64(
                    "hw/Mo3ZZYu1pEiDdymElFkuCuJzg9soDHw+4DxK7cL9rafiyykh7VynS+guotRAKXhfYMwCiyWmiznc6R+UlsQ==",
                )
                .unwrap(),
            },
        }
    }

    const TOKEN: &str = "secret1rf03820fp8gngzg2w02vd30ns78qkc8rg8dxaq";

    /// The environment of contract `contract` running on chain `chain_id`.
    fn env_of(chain_id: &str, contract: &str) -> Env {
        let mut env = mock_env();
        env.block.chain_id = chain_id.to_string();
        env.contract.address = Addr::unchecked(contract);
        env
    }

    proptest::proptest! {
        #[test]
        fn the_sign_doc_is_what_serde_writes_for_its_structure(
            chain_id in "(?s).{0,20}",
            permit_name in "(?s).{0,20}",
            allowed_tokens in proptest::collection::vec("(?s).{0,12}", 0..4),
            permissions in proptest::collection::vec(proptest::bool::ANY, 0..3),
        ) {
            let params = PermitParams {
                allowed_tokens,
                permit_name,
                chain_id,
                permissions: permissions
                    .into_iter()
                    .map(|h| if h { Perm::History } else { Perm::Usage })
                    .collect(),
            };
            let serde = crate::storage::to_json_bytes(&SignDoc::of(&params)).unwrap();
            proptest::prop_assert_eq!(
                String::from_utf8(sign_doc(&params).unwrap()).unwrap(),
                String::from_utf8(serde).unwrap()
            );
        }
    }

    #[test]
    fn a_keplr_signed_permit_verifies_and_yields_the_signer_address() {
        let deps = mock_dependencies();
        let permit = keplr_permit();
        let env = env_of("pulsar-2", TOKEN);
        assert_eq!(
            verify_permit(deps.as_ref(), &env, &permit, "secret").unwrap(),
            "secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrl"
        );
        assert_eq!(
            verify_permit(deps.as_ref(), &env, &permit, "cosmos").unwrap(),
            "cosmos1399pyvvk3hvwgxwt3udkslsc5jl3rqv4x4rq7r"
        );
    }

    #[test]
    fn altered_wrong_contract_and_revoked_permits_are_refused() {
        let mut deps = mock_dependencies();
        let env = env_of("pulsar-2", TOKEN);
        // The chain id is part of the signed document: changing it breaks the signature.
        let mut altered = keplr_permit();
        altered.params.chain_id = "secret-4".into();
        assert_eq!(
            verify_permit(
                deps.as_ref(),
                &env_of("secret-4", TOKEN),
                &altered,
                "secret"
            ),
            Err(PermitError::InvalidSignature {})
        );
        let mut more = keplr_permit();
        more.params.permissions.push(Perm::Usage);
        assert_eq!(
            verify_permit(deps.as_ref(), &env, &more, "secret"),
            Err(PermitError::InvalidSignature {})
        );
        assert_eq!(
            verify_permit(
                deps.as_ref(),
                &env_of("pulsar-2", "secret1other"),
                &keplr_permit(),
                "secret"
            ),
            Err(PermitError::WrongContract {
                contract: "secret1other".into()
            })
        );
        let mut short_key = keplr_permit();
        short_key.signature.pub_key.value = Binary::from(vec![3u8; 32]);
        assert_eq!(
            verify_permit(deps.as_ref(), &env, &short_key, "secret"),
            Err(PermitError::InvalidPubkey {})
        );

        let account = "secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrl";
        revoke_permit(
            deps.as_mut().storage,
            account,
            &keplr_permit().params.permit_name,
        );
        assert_eq!(
            verify_permit(deps.as_ref(), &env, &keplr_permit(), "secret"),
            Err(PermitError::Revoked {
                name: keplr_permit().params.permit_name,
                account: account.into()
            })
        );
    }

    #[test]
    fn a_permit_signed_with_k256_over_the_amino_doc_verifies() {
        let deps = mock_dependencies();
        let key = SigningKey::from_bytes(&[5u8; 32].into()).unwrap();
        let pubkey = key
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec();
        // The sign doc exactly as Keplr serializes it (sorted keys, no spaces).
        let doc = format!(
            r#"{{"account_number":"0","chain_id":"secret-4","fee":{{"amount":[{{"amount":"0","denom":"uscrt"}}],"gas":"1"}},"memo":"","msgs":[{{"type":"query_permit","value":{{"allowed_tokens":["{TOKEN}"],"permissions":["usage"],"permit_name":"p"}}}}],"sequence":"0"}}"#
        );
        let sig: Signature = key.sign_prehash(&Sha256::digest(doc.as_bytes())).unwrap();
        let permit = Permit {
            params: PermitParams {
                allowed_tokens: vec![TOKEN.to_string()],
                permit_name: "p".into(),
                chain_id: "secret-4".into(),
                permissions: vec![Perm::Usage],
            },
            signature: PermitSignature {
                pub_key: PubKey {
                    r#type: "tendermint/PubKeySecp256k1".into(),
                    value: Binary::from(pubkey.clone()),
                },
                signature: Binary::from(sig.to_bytes().to_vec()),
            },
        };
        assert_eq!(
            verify_permit(deps.as_ref(), &env_of("secret-4", TOKEN), &permit, "secret").unwrap(),
            account_from_pubkey(&pubkey, "secret").unwrap()
        );
    }

    #[test]
    fn a_correctly_signed_permit_for_another_chain_is_refused() {
        let deps = mock_dependencies();
        // Signed for pulsar-2 (a testnet), shown to the same contract address on secret-4.
        assert_eq!(
            verify_permit(
                deps.as_ref(),
                &env_of("secret-4", TOKEN),
                &keplr_permit(),
                "secret"
            ),
            Err(PermitError::WrongChain {
                permit_chain_id: "pulsar-2".into(),
                chain_id: "secret-4".into()
            })
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            bech32_prefix("secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrl").as_deref(),
            Some("secret")
        );
        assert_eq!(bech32_prefix("contract0"), None);
        assert!(validate_prefix("cosmwasm").is_ok());
        assert!(validate_prefix("").is_err());
        assert!(validate_prefix("Secret").is_err());
    }
}
