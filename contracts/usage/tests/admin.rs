//! Specifications of the admin role: every admin action is refused to anyone else, and the
//! admin's own actions validate their input.
#![cfg(feature = "vanilla")]

mod common;

use common::*;
use privexbot_shared::cosmwasm_std::{Addr, Binary};
use privexbot_usage::msg::*;
use privexbot_usage::ContractError;

fn admin_actions(s: &Suite) -> Vec<ExecuteMsg> {
    let gw = Gateway::from_seed(7);
    let other = Gateway::from_seed(40);
    vec![
        ExecuteMsg::RegisterSigner {
            pubkey: other.pubkey_binary(),
            attestation_hash: Binary::from(vec![1u8; 32]),
            mode: SignerMode::Tee,
        },
        ExecuteMsg::RevokeSigner {
            pubkey: gw.pubkey_binary(),
        },
        ExecuteMsg::AddRelayer {
            address: s.stranger.to_string(),
        },
        ExecuteMsg::RemoveRelayer {
            address: s.relayer.to_string(),
        },
        ExecuteMsg::UpdateConfig {
            billing: None,
            max_batch_size: Some(5),
            max_future_skew_secs: None,
            max_receipt_lines: None,
            accept_v1: None,
        },
        ExecuteMsg::TransferAdmin {
            new_admin: s.stranger.to_string(),
        },
    ]
}

#[test]
fn every_admin_action_is_refused_to_anyone_else() {
    let mut s = Suite::new();
    let outsiders = [s.stranger.clone(), s.relayer.clone(), s.owner.addr.clone()];
    for msg in admin_actions(&s) {
        for who in &outsiders {
            let before = s.snapshot();
            let config: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
            assert_eq!(
                s.exec(who, &msg).unwrap_err(),
                ContractError::Unauthorized {},
                "{msg:?} by {who}"
            );
            assert_eq!(s.snapshot(), before);
            assert_eq!(
                s.query::<ConfigResponse>(&QueryMsg::Config {}).unwrap(),
                config
            );
        }
    }
    // And the admin may do each of them.
    let admin = s.admin.clone();
    for msg in admin_actions(&s) {
        s.exec(&admin, &msg).unwrap();
    }
}

#[test]
fn admin_transfer_takes_two_steps() {
    let mut s = Suite::new();
    let (admin, stranger, relayer) = (s.admin.clone(), s.stranger.clone(), s.relayer.clone());
    assert_eq!(
        s.exec(&stranger, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::NotPendingAdmin {
            sender: stranger.to_string()
        }
    );
    s.exec(
        &admin,
        &ExecuteMsg::TransferAdmin {
            new_admin: stranger.to_string(),
        },
    )
    .unwrap();
    let config: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(config.admin, admin);
    assert_eq!(config.pending_admin, Some(stranger.clone()));
    assert_eq!(
        s.exec(&relayer, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::NotPendingAdmin {
            sender: relayer.to_string()
        }
    );
    s.exec(&stranger, &ExecuteMsg::AcceptAdmin {}).unwrap();
    let config: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(config.admin, stranger);
    assert_eq!(config.pending_admin, None);
    // The old admin has lost the role.
    assert_eq!(
        s.exec(
            &admin,
            &ExecuteMsg::AddRelayer {
                address: admin.to_string()
            }
        )
        .unwrap_err(),
        ContractError::Unauthorized {}
    );
}

#[test]
fn signer_registration_validates_keys() {
    let mut s = Suite::new();
    let admin = s.admin.clone();
    let register = |pubkey: Vec<u8>, hash_len: usize| ExecuteMsg::RegisterSigner {
        pubkey: Binary::from(pubkey),
        attestation_hash: Binary::from(vec![7u8; hash_len]),
        mode: SignerMode::Dev,
    };
    let gw = Gateway::from_seed(50);
    let err = s
        .exec(&admin, &register(gw.pubkey[..32].to_vec(), 32))
        .unwrap_err();
    assert!(
        matches!(err, ContractError::InvalidPubkey { .. }),
        "{err:?}"
    );
    let mut uncompressed = gw.pubkey.to_vec();
    uncompressed[0] = 4;
    let err = s.exec(&admin, &register(uncompressed, 32)).unwrap_err();
    assert!(
        matches!(err, ContractError::InvalidPubkey { .. }),
        "{err:?}"
    );
    // x = 5 has no point on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    let mut off_curve = vec![2u8];
    off_curve.extend_from_slice(&[0u8; 31]);
    off_curve.push(5);
    assert_eq!(
        s.exec(&admin, &register(off_curve, 32)).unwrap_err(),
        ContractError::InvalidPubkey {
            reason: "not a point on secp256k1".into()
        }
    );
    assert_eq!(
        s.exec(&admin, &register(gw.pubkey.to_vec(), 31))
            .unwrap_err(),
        ContractError::InvalidAttestationHash { len: 31 }
    );
    s.exec(&admin, &register(gw.pubkey.to_vec(), 32)).unwrap();
    assert_eq!(
        s.exec(&admin, &register(gw.pubkey.to_vec(), 32))
            .unwrap_err(),
        ContractError::SignerAlreadyRegistered {
            signer: gw.pubkey_binary().to_base64()
        }
    );
    let signer: SignerResponse = s
        .query(&QueryMsg::Signer {
            pubkey: gw.pubkey_binary(),
        })
        .unwrap();
    assert_eq!(signer.mode, SignerMode::Dev);
    assert_eq!(signer.registered_by, admin);
    assert_eq!(signer.revoked_at, None);

    s.exec(
        &admin,
        &ExecuteMsg::RevokeSigner {
            pubkey: gw.pubkey_binary(),
        },
    )
    .unwrap();
    assert_eq!(
        s.exec(
            &admin,
            &ExecuteMsg::RevokeSigner {
                pubkey: gw.pubkey_binary()
            }
        )
        .unwrap_err(),
        ContractError::SignerAlreadyRevoked {
            signer: gw.pubkey_binary().to_base64()
        }
    );
    // A revoked key stays revoked: registering it again is refused.
    assert_eq!(
        s.exec(&admin, &register(gw.pubkey.to_vec(), 32))
            .unwrap_err(),
        ContractError::SignerAlreadyRegistered {
            signer: gw.pubkey_binary().to_base64()
        }
    );
    let unknown = Gateway::from_seed(51);
    assert_eq!(
        s.exec(
            &admin,
            &ExecuteMsg::RevokeSigner {
                pubkey: unknown.pubkey_binary()
            }
        )
        .unwrap_err(),
        ContractError::UnknownSigner {
            signer: unknown.pubkey_binary().to_base64()
        }
    );
    let signers: SignersResponse = s
        .query(&QueryMsg::Signers {
            start: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(signers.total, 2);
    assert!(signers.signers[1].revoked_at.is_some());
    let err = s
        .query::<LastSeqResponse>(&QueryMsg::LastSeq {
            signer: unknown.pubkey_binary(),
        })
        .unwrap_err();
    assert!(err.contains("unknown signer"), "{err}");
}

#[test]
fn relayer_list_and_config_updates_are_validated() {
    let mut s = Suite::new();
    let (admin, relayer, stranger) = (s.admin.clone(), s.relayer.clone(), s.stranger.clone());
    assert_eq!(
        s.exec(
            &admin,
            &ExecuteMsg::AddRelayer {
                address: relayer.to_string()
            }
        )
        .unwrap_err(),
        ContractError::RelayerAlreadyAllowed {
            address: relayer.to_string()
        }
    );
    assert_eq!(
        s.exec(
            &admin,
            &ExecuteMsg::RemoveRelayer {
                address: stranger.to_string()
            }
        )
        .unwrap_err(),
        ContractError::RelayerNotFound {
            address: stranger.to_string()
        }
    );
    let err = s
        .exec(
            &admin,
            &ExecuteMsg::AddRelayer {
                address: "Not An Address".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::Std(_)), "{err:?}");
    s.exec(
        &admin,
        &ExecuteMsg::AddRelayer {
            address: stranger.to_string(),
        },
    )
    .unwrap();
    s.exec(
        &admin,
        &ExecuteMsg::RemoveRelayer {
            address: relayer.to_string(),
        },
    )
    .unwrap();
    s.exec(
        &admin,
        &ExecuteMsg::AddRelayer {
            address: relayer.to_string(),
        },
    )
    .unwrap();
    let relayers: RelayersResponse = s.query(&QueryMsg::Relayers {}).unwrap();
    assert_eq!(relayers.relayers, vec![relayer.clone(), stranger.clone()]);

    for (msg, reason) in [
        (
            ExecuteMsg::UpdateConfig {
                billing: None,
                max_batch_size: Some(0),
                max_future_skew_secs: None,
                max_receipt_lines: None,
                accept_v1: None,
            },
            "max_batch_size must be within 1..=1000",
        ),
        (
            ExecuteMsg::UpdateConfig {
                billing: None,
                max_batch_size: Some(1001),
                max_future_skew_secs: None,
                max_receipt_lines: None,
                accept_v1: None,
            },
            "max_batch_size must be within 1..=1000",
        ),
        (
            ExecuteMsg::UpdateConfig {
                billing: None,
                max_batch_size: None,
                max_future_skew_secs: Some(86_401),
                max_receipt_lines: None,
                accept_v1: None,
            },
            "max_future_skew_secs must be at most 86400",
        ),
    ] {
        assert_eq!(
            s.exec(&admin, &msg).unwrap_err(),
            ContractError::InvalidConfig {
                reason: reason.into()
            }
        );
    }
    let new_billing = addr(&s.app, "new-billing");
    s.exec(
        &admin,
        &ExecuteMsg::UpdateConfig {
            billing: Some(BillingContract {
                address: new_billing.to_string(),
                code_hash: None,
            }),
            max_batch_size: Some(50),
            max_future_skew_secs: Some(60),
            max_receipt_lines: None,
            accept_v1: None,
        },
    )
    .unwrap();
    let config: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(config.billing.address, new_billing.to_string());
    assert_eq!(
        (config.max_batch_size, config.max_future_skew_secs),
        (50, 60)
    );
    assert_eq!(config.address_prefix, PREFIX);
    let _: Addr = config.admin;
}
