/** Browser-safe audit verification, shared by the audit CLI (scripts/audit) and the dapp's auditor page. */
export * from './verify-published-batches.js';
