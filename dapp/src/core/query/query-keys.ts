/**
 * Every query key of the dapp, in one place. Keys are `[name, { ...parameters }]`, so one
 * `invalidateQueries({ queryKey: [name, { chainId }] })` reaches every query of that name on a
 * chain (TanStack Query matches object keys partially). Chain keys carry the chain id; api
 * keys carry the signed-in address, so one account never sees another's cached data.
 */
export const queryKeys = {
  contracts: (p: { chainId: string }) => ['contracts', p] as const,
  balance: (p: { chainId: string; address: string; denom?: string; token?: string }) =>
    ['balance', p] as const,
  /** `viewer`: the account whose permit answers a private query */
  contractQuery: (p: { chainId: string; contract: string; msg: object; viewer?: string }) =>
    ['contractQuery', p] as const,
  waitForTx: (p: { chainId: string; txHash: string }) => ['waitForTx', p] as const,

  bots: (p: { address: string; orgId: string }) => ['bots', p] as const,
  bot: (p: { address: string; orgId: string; botId: string }) => ['bot', p] as const,
  sources: (p: { address: string; orgId: string; botId: string }) => ['sources', p] as const,
  botAnswerer: (p: { address: string; orgId: string; botId: string }) => ['botAnswerer', p] as const,
  reembedding: (p: { address: string; orgId: string; botId: string }) => ['reembedding', p] as const,
  /** the api's public facts (chain reader, chain id): the same for every account */
  platform: (p: { apiUrl: string }) => ['platform', p] as const,
  apiKeys: (p: { address: string; orgId: string }) => ['apiKeys', p] as const,
  conversations: (p: {
    address: string;
    orgId: string;
    botId: string;
    q: string;
    from: string;
    to: string;
  }) => ['conversations', p] as const,
  transcript: (p: { address: string; orgId: string; botId: string; conversationId: string }) =>
    ['transcript', p] as const,
  leads: (p: { address: string; orgId: string; botId: string }) => ['leads', p] as const,
  embedRefusals: (p: { address: string; orgId: string; botId: string }) => ['embedRefusals', p] as const,
  webhookDeliveries: (p: { address: string; orgId: string; botId: string }) =>
    ['webhookDeliveries', p] as const,
  botUsage: (p: { address: string; orgId: string; botId: string; fromDay: number; toDay: number }) =>
    ['botUsage', p] as const,
  quotaNotices: (p: { address: string; orgId: string }) => ['quotaNotices', p] as const,
  offChainUsage: (p: { address: string; orgId: string; fromDay: number; toDay: number }) =>
    ['offChainUsage', p] as const,
  onChainUsage: (p: { chainId: string; address: string; orgId: string; fromDay: number; toDay: number }) =>
    ['onChainUsage', p] as const,
  auditReport: (p: { chainId: string; orgId: string; fromBatch: number }) => ['auditReport', p] as const,
} as const;

/** Query names whose data comes from the chain: refetched after every transaction. */
export const chainQueryNames = ['balance', 'contractQuery', 'onChainUsage'] as const;
