-- Usage must never be lost: deleting a bot used to delete its daily counters (ON DELETE
-- CASCADE), so the org's off-chain totals fell below the usage contract's, which keeps
-- counting the bot's answers, and the quota check (max of chain and off-chain) could be
-- reset by deleting a bot. The counters now outlive their bot; "botId" keeps naming it.
ALTER TABLE "UsageDaily" DROP CONSTRAINT "UsageDaily_botId_fkey";
