import { describe, expect, it } from 'vitest';
import {
  ApiErrorCode,
  apiErrorCodes,
  attestationErrorCodes,
  auditProblemCodes,
  chainErrorCodes,
  crawlFailReasons,
  crawlReasons,
  crawlSkipReasons,
  dappErrorCodes,
  errorCodes,
  gatewayErrorCodes,
  isErrorCode,
  relayerErrorCodes,
  relayerHttpErrorCodes,
} from './error-codes.js';

const lists = {
  api: apiErrorCodes,
  gateway: gatewayErrorCodes,
  relayerHttp: relayerHttpErrorCodes,
  relayer: relayerErrorCodes,
  chain: chainErrorCodes,
  attestation: attestationErrorCodes,
  audit: auditProblemCodes,
  dapp: dappErrorCodes,
};

describe('error codes', () => {
  it('crawl reasons are SCREAMING_SNAKE, each once, skip and fail apart', () => {
    for (const reason of crawlReasons) expect(reason).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(new Set(crawlReasons).size).toBe(crawlSkipReasons.length + crawlFailReasons.length);
  });

  it('are SCREAMING_SNAKE on every surface, without repeats within a surface', () => {
    for (const [surface, codes] of Object.entries(lists)) {
      for (const code of codes) expect(code, surface).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(new Set(codes).size, surface).toBe(codes.length);
    }
  });

  it('the union is every surface’s codes, each once', () => {
    const all = new Set(Object.values(lists).flat());
    expect(new Set(errorCodes)).toEqual(all);
    expect(errorCodes.length).toBe(all.size);
  });

  it('the api’s object maps each name to itself', () => {
    for (const [name, code] of Object.entries(ApiErrorCode)) expect(code).toBe(name);
  });

  it('narrows only known codes', () => {
    expect(isErrorCode('QUOTA_EXHAUSTED')).toBe(true);
    expect(isErrorCode('BAD_SIGNATURE')).toBe(true);
    expect(isErrorCode('webhook_not_configured')).toBe(false);
    expect(isErrorCode('quota_exhausted')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});
