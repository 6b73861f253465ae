//! Specification: a usage contract whose state was written before the compact counters is
//! migrated onto this code by its chain admin, and every count stays exact. The old state is
//! written here under the old keys with the old JSON values (the layout this crate wrote
//! before, pinned independently of its current code), then read and added to.
#![cfg(feature = "vanilla")]

mod common;

use common::*;
use cw_multi_test::Executor;
use privexbot_shared::storage::{from_json_bytes, to_json_bytes, AppendList, Map};
use privexbot_usage::bot_id::BotId;
use privexbot_usage::msg::*;

/// The counters as the contract stored them before the compact layout.
const OLD_ORG_DAY: Map<(u64, u32), UsageCounters> = Map::new("org_day");
const OLD_BOT_DAY: Map<(u64, BotId, u32), UsageCounters> = Map::new("bot_day");
fn old_org_bots(org: u64) -> AppendList<String> {
    AppendList::new("org_bots").suffixed(&org)
}

fn counters(messages: u64, prompt: u128, completion: u128) -> UsageCounters {
    UsageCounters {
        messages: messages.into(),
        prompt_tokens: prompt.into(),
        completion_tokens: completion.into(),
    }
}

fn bot_days(s: &Suite, bot: &str, from_day: u32, to_day: u32) -> Vec<(u32, UsageCounters)> {
    let usage: UsageResponse = s
        .query(&QueryMsg::BotUsage {
            org_id: s.org,
            bot: bot.into(),
            from_day,
            to_day,
            auth: s.owner_auth(),
        })
        .unwrap();
    usage
        .days
        .into_iter()
        .map(|d| (d.day, d.counters))
        .collect()
}

fn org_days(s: &Suite, from_day: u32, to_day: u32) -> Vec<(u32, UsageCounters)> {
    let usage = s.org_usage(s.org, from_day, to_day);
    usage
        .days
        .into_iter()
        .map(|d| (d.day, d.counters))
        .collect()
}

fn org_bots(s: &Suite, start: u64) -> (Vec<String>, u64) {
    let bots: OrgBotsResponse = s
        .query(&QueryMsg::OrgBots {
            org_id: s.org,
            start: Some(start),
            limit: Some(2),
            auth: s.owner_auth(),
        })
        .unwrap();
    (bots.bots, bots.total)
}

#[test]
fn counters_written_before_the_compact_layout_stay_exact_after_migration() {
    let mut s = Suite::new();
    let today = day(s.now());
    let org = s.org;
    let old_bot = "0000000a-0000-4000-8000-00000000000a";
    let new_bot = "b2b2b2b2-b2b2-b2b2-b2b2-b2b2b2b2b2b2"; // BOT_B
    {
        let usage = s.usage.clone();
        let mut store = s.app.contract_storage_mut(&usage);
        // A config of that time: no `legacy_counters` field.
        let mut config: serde_json::Value =
            from_json_bytes(&store.get(b"config").expect("a config")).unwrap();
        config.as_object_mut().unwrap().remove("legacy_counters");
        store.set(b"config", &to_json_bytes(&config).unwrap());
        let store = store.as_mut();
        for bot in [old_bot, BOT_A_ID] {
            old_org_bots(org).push(store, &bot.to_string()).unwrap();
        }
        let old = BotId::parse(old_bot).unwrap();
        let a = BotId(BOT_A);
        OLD_ORG_DAY
            .save(store, &(org, today - 2), &counters(7, 700, 70))
            .unwrap();
        OLD_BOT_DAY
            .save(store, &(org, old, today - 2), &counters(7, 700, 70))
            .unwrap();
        OLD_ORG_DAY
            .save(store, &(org, today), &counters(2, 20, 40))
            .unwrap();
        OLD_BOT_DAY
            .save(store, &(org, a, today), &counters(2, 20, 40))
            .unwrap();
    }

    let usage_code = s.usage_code;
    let response = s
        .app
        .migrate_contract(s.admin.clone(), s.usage.clone(), &MigrateMsg {}, usage_code)
        .unwrap();
    let migrated = response.events.iter().flat_map(|e| &e.attributes);
    assert!(migrated
        .clone()
        .any(|a| a.key == "legacy_counters" && a.value == "true"));
    // Only the contract's chain admin may migrate it.
    let stranger = s.stranger.clone();
    let usage = s.usage.clone();
    assert!(s
        .app
        .migrate_contract(stranger, usage, &MigrateMsg {}, usage_code)
        .is_err());

    // Read as they were.
    assert_eq!(
        org_days(&s, today - 2, today),
        vec![
            (today - 2, counters(7, 700, 70)),
            (today, counters(2, 20, 40))
        ]
    );
    assert_eq!(
        bot_days(&s, BOT_A_ID, today - 2, today),
        vec![(today, counters(2, 20, 40))]
    );

    // Added to: 3 answers of bot A by batch, 2 of bot B (new to the org) by receipt.
    let gw = Gateway::from_seed(7);
    let now = s.now();
    let batch: Vec<_> = (1..=3)
        .map(|q| gw.attestation(q, org, BOT_A, now, 100, 10))
        .collect();
    s.submit(&gw.batch(1, &batch)).unwrap();
    let receipt: Vec<_> = (4..=5)
        .map(|q| gw.attestation(q, org, BOT_B, now, 1_000, 1))
        .collect();
    s.submit(&gw.settle(&receipt)).unwrap();

    assert_eq!(
        org_days(&s, today - 2, today),
        vec![
            (today - 2, counters(7, 700, 70)),
            (today, counters(7, 2_320, 72))
        ]
    );
    assert_eq!(
        bot_days(&s, BOT_A_ID, today - 2, today),
        vec![(today, counters(5, 320, 70))]
    );
    assert_eq!(
        bot_days(&s, new_bot, today - 2, today),
        vec![(today, counters(2, 2_000, 2))]
    );
    assert_eq!(
        bot_days(&s, old_bot, today - 2, today),
        vec![(today - 2, counters(7, 700, 70))]
    );
    // The old bots first, in their order, then the new one; pages still work.
    assert_eq!(
        org_bots(&s, 0),
        (vec![old_bot.to_string(), BOT_A_ID.to_string()], 3)
    );
    assert_eq!(org_bots(&s, 2), (vec![new_bot.to_string()], 3));
    let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
    assert_eq!(totals.counters, counters(5, 2_300, 32));
}

/// Migrating anything else onto the usage code is refused: its config does not load.
#[test]
fn a_state_without_a_usage_config_is_not_migrated() {
    let mut s = Suite::new();
    let usage = s.usage.clone();
    s.app.contract_storage_mut(&usage).remove(b"config");
    let (admin, code) = (s.admin.clone(), s.usage_code);
    assert!(s
        .app
        .migrate_contract(admin, usage, &MigrateMsg {}, code)
        .is_err());
}
