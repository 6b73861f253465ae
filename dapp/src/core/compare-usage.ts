/**
 * Puts the chain's counters beside the api's, day by day, and explains each difference. The
 * chain lags the api by design: attestations reach it in relayer batches.
 */
import type { OnChainUsage } from './actions/get-on-chain-usage.js';
import type { OffChainUsageDay } from './api/api-types.js';

export interface UsageComparisonRow {
  day: number;
  onChainMessages: number;
  offChainMessages: number;
  onChainTokens: number;
  offChainTokens: number;
  conversations: number;
  leads: number;
  note: string;
}

export function compareUsage(
  range: { fromDay: number; toDay: number },
  onChain: OnChainUsage | undefined,
  offChain: OffChainUsageDay[] | undefined,
  today: number,
): UsageComparisonRow[] {
  const rows: UsageComparisonRow[] = [];
  for (let day = range.fromDay; day <= range.toDay; day += 1) {
    const chainDay = onChain?.days.find((d) => d.day === day)?.counters;
    const apiDay = offChain?.find((d) => d.day === day);
    const onChainMessages = Number(chainDay?.messages ?? 0);
    const offChainMessages = apiDay?.messages ?? 0;
    const row: UsageComparisonRow = {
      day,
      onChainMessages,
      offChainMessages,
      onChainTokens: Number(chainDay?.prompt_tokens ?? 0) + Number(chainDay?.completion_tokens ?? 0),
      offChainTokens: (apiDay?.promptTokens ?? 0) + (apiDay?.completionTokens ?? 0),
      conversations: apiDay?.conversations ?? 0,
      leads: apiDay?.leads ?? 0,
      note: '',
    };
    row.note = explainDifference(row, day, today, onChain !== undefined, offChain !== undefined);
    rows.push(row);
  }
  return rows;
}

function explainDifference(
  row: UsageComparisonRow,
  day: number,
  today: number,
  haveChain: boolean,
  haveApi: boolean,
): string {
  if (!haveChain || !haveApi) return haveChain ? 'api counters unavailable' : 'chain counters unavailable';
  const diff = row.offChainMessages - row.onChainMessages;
  if (diff === 0) return 'equal';
  if (diff > 0 && day >= today - 1) return `${diff} not yet relayed to the chain`;
  if (diff > 0) return `${diff} counted by the api but not on chain: check the relayer and the auditor view`;
  return `${-diff} more on chain than in the api: the api may have lost counts; the chain is authoritative`;
}
