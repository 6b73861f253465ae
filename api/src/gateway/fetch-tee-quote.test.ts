import { describe, expect, it } from 'vitest';
import { reportDataOfQuote } from './fetch-tee-quote.js';
import { tdxQuoteV4 } from './test-support/start-secretvm-standin.js';

const reportData = Buffer.alloc(64, 0x5a);

describe('reportDataOfQuote', () => {
  it('reads report_data from an Intel TDX v4 quote', () => {
    expect(reportDataOfQuote(tdxQuoteV4(reportData))).toEqual({ kind: 'tdx', reportData });
  });

  it('reads report_data from a TDX v5 quote (6-byte body descriptor after the header)', () => {
    const v4 = tdxQuoteV4(reportData);
    const header = Buffer.from(v4.subarray(0, 48));
    header.writeUInt16LE(5, 0);
    const descriptor = Buffer.alloc(6);
    descriptor.writeUInt16LE(2, 0);
    descriptor.writeUInt32LE(584, 2);
    const v5 = Buffer.concat([header, descriptor, v4.subarray(48)]);
    expect(reportDataOfQuote(v5)).toEqual({ kind: 'tdx', reportData });
  });

  it('reads report_data at 0x50 of an AMD SEV-SNP report', () => {
    const report = Buffer.alloc(1184);
    report.writeUInt32LE(3, 0);
    reportData.copy(report, 0x50);
    expect(reportDataOfQuote(report)).toEqual({ kind: 'sev-snp', reportData });
  });

  it('refuses anything else with a clear message', () => {
    expect(() => reportDataOfQuote(Buffer.alloc(100))).toThrow(
      /neither an Intel TDX quote nor an AMD SEV-SNP report/,
    );
  });
});
