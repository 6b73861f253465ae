import { Counter, Gauge, Registry } from 'prom-client';

export type RelayerMetrics = ReturnType<typeof createRelayerMetrics>;

/** One registry per relayer instance, so tests can run several in one process. */
export function createRelayerMetrics() {
  const registry = new Registry();
  const labelled = { registers: [registry] };
  return {
    registry,
    batches: new Counter({
      name: 'relayer_batches_total',
      help: 'Batches recorded, by signer and origin (submitted by us, or adopted from the chain after a crash)',
      labelNames: ['signer', 'origin'] as const,
      ...labelled,
    }),
    receipts: new Counter({
      name: 'relayer_receipts_total',
      help: 'Receipts (settlement v2) recorded, by signer and origin (submitted by us, or adopted from the chain after a crash)',
      labelNames: ['signer', 'origin'] as const,
      ...labelled,
    }),
    attestations: new Counter({
      name: 'relayer_attestations_relayed_total',
      help: 'Attestations counted on chain and recorded',
      labelNames: ['signer'] as const,
      ...labelled,
    }),
    failures: new Counter({
      name: 'relayer_failures_total',
      help: 'Failed steps, by error code and class (retry, reconcile, fatal)',
      labelNames: ['code', 'class'] as const,
      ...labelled,
    }),
    quarantined: new Counter({
      name: 'relayer_quarantined_total',
      help: 'Attestations quarantined, by reason',
      labelNames: ['signer', 'reason'] as const,
      ...labelled,
    }),
    lag: new Gauge({
      name: 'relayer_signer_lag_attestations',
      help: 'Attestations the gateway signed that are not yet counted on chain',
      labelNames: ['signer'] as const,
      ...labelled,
    }),
    oldestPendingSeconds: new Gauge({
      name: 'relayer_signer_oldest_pending_seconds',
      help: 'How long the oldest attestation waiting for a batch has waited',
      labelNames: ['signer'] as const,
      ...labelled,
    }),
    cursor: new Gauge({
      name: 'relayer_signer_cursor',
      help: 'Last sequence counted on chain and recorded, per signer',
      labelNames: ['signer'] as const,
      ...labelled,
    }),
    blocked: new Gauge({
      name: 'relayer_signer_blocked',
      help: '1 while a signer is stopped at a quarantined attestation or a revoked key (needs an operator)',
      labelNames: ['signer'] as const,
      ...labelled,
    }),
    leader: new Gauge({
      name: 'relayer_is_leader',
      help: '1 while this relayer holds the submit lease',
      ...labelled,
    }),
  };
}
