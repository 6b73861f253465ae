-- The relayer's own tables, in their own schema so they never collide with the api's Prisma tables.
CREATE SCHEMA IF NOT EXISTS relayer;

-- One row per gateway signer: the last sequence whose batch is on chain AND recorded here.
-- It only ever moves forward, in the same transaction as the batch it covers.
CREATE TABLE IF NOT EXISTS relayer.relayer_cursor (
  signer      text PRIMARY KEY CHECK (signer ~ '^0[23][0-9a-f]{64}$'),
  gateway_url text NOT NULL,
  last_seq    bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Each batch the usage contract accepted, keyed by its id on chain.
CREATE TABLE IF NOT EXISTS relayer.batch (
  chain_batch_id    bigint PRIMARY KEY,
  signer            text NOT NULL,
  first_seq         bigint NOT NULL,
  last_seq          bigint NOT NULL,
  count             integer NOT NULL CHECK (count > 0),
  merkle_root       text NOT NULL,
  prompt_tokens     numeric NOT NULL,
  completion_tokens numeric NOT NULL,
  tx_hash           text,
  height            bigint,
  -- 'submitted': this relayer submitted it; 'adopted': found on chain during reconciliation
  origin            text NOT NULL CHECK (origin IN ('submitted', 'adopted')),
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (signer, first_seq),
  CHECK (last_seq = first_seq + count - 1)
);
CREATE INDEX IF NOT EXISTS batch_signer_last_seq ON relayer.batch (signer, last_seq);

-- The published contents: every attestation of every batch, with its signature (JSON form).
CREATE TABLE IF NOT EXISTS relayer.batch_attestation (
  signer         text NOT NULL,
  seq            bigint NOT NULL,
  chain_batch_id bigint NOT NULL REFERENCES relayer.batch (chain_batch_id),
  attestation    jsonb NOT NULL,
  PRIMARY KEY (signer, seq)
);
CREATE INDEX IF NOT EXISTS batch_attestation_batch ON relayer.batch_attestation (chain_batch_id, seq);

-- Attestations refused for good (bad signature, tampered, wrong signer, gap, revoked signer).
-- Nothing after `seq` of that signer can be counted until an operator resolves the row.
CREATE TABLE IF NOT EXISTS relayer.quarantine (
  id          bigserial PRIMARY KEY,
  signer      text NOT NULL,
  seq         bigint NOT NULL,
  gateway_url text NOT NULL,
  reason      text NOT NULL,
  message     text NOT NULL,
  attestation jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolution  text
);
CREATE UNIQUE INDEX IF NOT EXISTS quarantine_open_once ON relayer.quarantine (signer, seq, reason) WHERE resolved_at IS NULL;

-- Leader lease with a fencing token (relayer/README.md, "Election"): one row per role.
CREATE TABLE IF NOT EXISTS relayer.leader_lease (
  role       text PRIMARY KEY,
  holder     text NOT NULL,
  token      bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
