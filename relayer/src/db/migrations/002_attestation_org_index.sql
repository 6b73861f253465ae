-- An org's auditors read only that org's attestations (relayer/README.md, "Publication"):
-- finding the batches that hold them must not scan every attestation.
CREATE INDEX IF NOT EXISTS batch_attestation_org ON relayer.batch_attestation ((attestation->>'org'), chain_batch_id);
