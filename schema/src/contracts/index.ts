export type * as BillingTypes from './billing.js';
export * from './billing-client.js';
export * from './typed-contract.js';
export type * as UsageTypes from './usage.js';
export * from './usage-client.js';
