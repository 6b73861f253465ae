-- Settlement v2: each receipt the usage contract accepted, keyed by its id on chain (receipt ids
-- and batch ids are separate counters). One signer's sequence is settled by batches and receipts
-- alike, so the cursor of relayer_cursor covers both.
CREATE TABLE IF NOT EXISTS relayer.receipt (
  chain_receipt_id  bigint PRIMARY KEY,
  signer            text NOT NULL,
  first_seq         bigint NOT NULL,
  last_seq          bigint NOT NULL,
  count             integer NOT NULL CHECK (count > 0),
  merkle_root       text NOT NULL,
  receipt_hash      text NOT NULL,
  -- the signed receipt as the gateway gave it (its per-org lines are private, as the attestations)
  receipt           jsonb NOT NULL,
  prompt_tokens     numeric NOT NULL,
  completion_tokens numeric NOT NULL,
  tx_hash           text,
  height            bigint,
  origin            text NOT NULL CHECK (origin IN ('submitted', 'adopted')),
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (signer, first_seq),
  CHECK (last_seq = first_seq + count - 1)
);
CREATE INDEX IF NOT EXISTS receipt_signer_last_seq ON relayer.receipt (signer, last_seq);

-- An attestation is settled by a batch or by a receipt, never both.
ALTER TABLE relayer.batch_attestation ALTER COLUMN chain_batch_id DROP NOT NULL;
ALTER TABLE relayer.batch_attestation
  ADD COLUMN IF NOT EXISTS chain_receipt_id bigint REFERENCES relayer.receipt (chain_receipt_id);
ALTER TABLE relayer.batch_attestation
  ADD CONSTRAINT batch_attestation_settled_once CHECK ((chain_batch_id IS NULL) <> (chain_receipt_id IS NULL));
CREATE INDEX IF NOT EXISTS batch_attestation_receipt ON relayer.batch_attestation (chain_receipt_id, seq)
  WHERE chain_receipt_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS batch_attestation_org_receipt ON relayer.batch_attestation ((attestation->>'org'), chain_receipt_id)
  WHERE chain_receipt_id IS NOT NULL;
