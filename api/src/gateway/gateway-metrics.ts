import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one gateway, in its own registry (several gateways may share a process in tests). */
export function createGatewayMetrics() {
  const registry = new Registry();
  const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  return {
    registry,
    chatRequests: new Counter({
      name: 'gateway_chat_requests_total',
      help: 'Chat requests by outcome (completed, aborted, rejected, failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    attestations: new Counter({
      name: 'gateway_attestations_signed_total',
      help: 'Attestations signed and durably logged',
      registers: [registry],
    }),
    lastSeq: new Gauge({
      name: 'gateway_last_seq',
      help: 'Sequence number of the last attestation',
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'gateway_tokens_total',
      help: 'Tokens attested, by kind (prompt, completion)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: 'gateway_time_to_first_token_seconds',
      help: 'From an authenticated request to its first token',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'gateway_chat_duration_seconds',
      help: 'From an authenticated request to its final event',
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
