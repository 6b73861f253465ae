import { describe, expect, it } from 'vitest';
import {
  ChainError,
  ContractError,
  chainErrorFromCode,
  classifyChainFailure,
  extractContractMessage,
  failureText,
  InsufficientFundsError,
  NetworkError,
  NotFoundError,
  UnauthorizedError,
} from './errors.js';

describe('chain errors', () => {
  it('rebuilds the typed error from a devnet error body, keeping the code', () => {
    const contract = chainErrorFromCode('CONTRACT_ERROR', 'contract error: Unauthorized', {
      details: { contractMessage: 'Unauthorized' },
    });
    expect(contract).toBeInstanceOf(ContractError);
    expect((contract as ContractError).contractMessage).toBe('Unauthorized');
    const replay = chainErrorFromCode('NONCE_REUSED', 'nonce used');
    expect(replay).toBeInstanceOf(UnauthorizedError);
    expect(replay.code).toBe('NONCE_REUSED');
    expect(chainErrorFromCode('SOMETHING_NEW', 'x').code).toBe('INTERNAL');
    expect(chainErrorFromCode('NOT_FOUND', 'x')).toBeInstanceOf(ChainError);
  });

  it('classifies node failure texts', () => {
    expect(
      classifyChainFailure('spendable balance 1uscrt is smaller than 5uscrt: insufficient funds'),
    ).toBeInstanceOf(InsufficientFundsError);
    expect(classifyChainFailure('fetch failed')).toBeInstanceOf(NetworkError);
    expect(classifyChainFailure('Bad status on response: 404')).toBeInstanceOf(NetworkError);
    expect(classifyChainFailure('contract secret1abc not found')).toBeInstanceOf(NotFoundError);
    const wrapped = classifyChainFailure(
      'failed to execute message; message index: 0: Plan 9 does not exist: execute wasm contract failed',
    );
    expect(wrapped).toBeInstanceOf(ContractError);
    expect((wrapped as ContractError).contractMessage).toBe('Plan 9 does not exist');
  });

  it('extracts the contract message from Secret and query wrappings', () => {
    expect(extractContractMessage('encrypted: Generic error: bad plan: execute contract failed')).toBe(
      'Generic error: bad plan',
    );
    expect(extractContractMessage('Generic error: Querier contract error: no such org')).toBe('no such org');
    expect(extractContractMessage('  plain  ')).toBe('plain');
  });

  it('reads the text of thrown errors and of gateway error bodies', () => {
    expect(failureText(new Error('boom'))).toBe('boom');
    expect(failureText({ code: 5, message: 'not found' })).toBe('not found');
    expect(failureText(42)).toBe('42');
  });
});
