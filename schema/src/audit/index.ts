/** The audit (browser-safe): its input collection and its verification, shared by the audit CLI and the dapp's auditor page. */
export * from './audit-receipts.js';
export * from './collect-audit-input.js';
export * from './verify-published-batches.js';
export * from './verify-receipt-leaves.js';
