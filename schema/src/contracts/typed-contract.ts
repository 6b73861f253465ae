/**
 * Types that turn a generated message union (`{ a: A } | { b: B }`) into typed calls:
 * `query('org', { id: 1 })` returns the `org` response type, `execute('create_org', {...})`
 * checks the arguments. Shared by the per-contract clients.
 */
import type { ChainClient, ExecuteOptions, TxResult } from '../chain/chain-client.js';

/** The variant names of a message union: 'config' | 'org' | ... */
export type VariantName<Union> = Union extends unknown ? keyof Union & string : never;

/** The arguments of one variant: VariantArgs<QueryMsg, 'org'> = { id: number } */
export type VariantArgs<Union, Name extends string> = Union extends Record<Name, infer Args> ? Args : never;

export interface TypedContract<ExecuteMsg, QueryMsg, Responses> {
  readonly chain: ChainClient;
  readonly address: string;
  query<Name extends VariantName<QueryMsg> & keyof Responses>(
    name: Name,
    args: VariantArgs<QueryMsg, Name>,
  ): Promise<Responses[Name]>;
  execute<Name extends VariantName<ExecuteMsg>>(
    name: Name,
    args: VariantArgs<ExecuteMsg, Name>,
    options?: ExecuteOptions,
  ): Promise<TxResult>;
}

export function typedContract<ExecuteMsg, QueryMsg, Responses>(
  chain: ChainClient,
  address: string,
): TypedContract<ExecuteMsg, QueryMsg, Responses> {
  return {
    chain,
    address,
    query: (name, args) => chain.query(address, { [name]: args }),
    execute: (name, args, options) => chain.execute(address, { [name]: args }, options),
  };
}

/** The value of the first `key` attribute in a transaction's events (e.g. a new `org_id`). */
export function eventAttribute(result: TxResult, key: string): string | undefined {
  for (const event of result.events) {
    const attribute = event.attributes.find((candidate) => candidate.key === key);
    if (attribute) return attribute.value;
  }
  return undefined;
}
