import { dayLabel } from '../core/actions/get-on-chain-usage.js';
import { errorMessage } from '../core/errors.js';
import { useBots } from '../hooks/use-bots.js';
import { useBotsUsage } from '../hooks/use-usage.js';

/** Messages per bot per day (the api's counters), beside the org's total of the same day. */
export function UsageByBot({
  orgId,
  fromDay,
  toDay,
  orgTotals,
}: {
  orgId: string;
  fromDay: number;
  toDay: number;
  orgTotals: Map<number, number>;
}) {
  const bots = useBots({ orgId });
  const list = bots.data ?? [];
  const usage = useBotsUsage({ orgId, fromDay, toDay, botIds: list.map((bot) => bot.id) });
  const failed = usage.find((query) => query.error)?.error;
  const days = [
    ...new Set([...orgTotals.keys(), ...usage.flatMap((q) => [...(q.data?.messagesByDay.keys() ?? [])])]),
  ]
    .filter((day) => day >= fromDay && day <= toDay)
    .sort((a, b) => b - a);
  if (list.length === 0) return null;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus
    <div className="card table-scroll" tabIndex={0}>
      <h2>Messages by bot</h2>
      {failed ? <p role="alert">{errorMessage(failed)}</p> : null}
      <table data-testid="usage-by-bot">
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            {list.map((bot) => (
              <th scope="col" key={bot.id}>
                {bot.name}
              </th>
            ))}
            <th scope="col">Org total</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day}>
              <td>{dayLabel(day)}</td>
              {usage.map((query, i) => (
                <td key={list[i]?.id}>{query.data ? (query.data.messagesByDay.get(day) ?? 0) : '…'}</td>
              ))}
              <td>{orgTotals.get(day) ?? 0}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Period</th>
            {usage.map((query, i) => (
              <td key={list[i]?.id}>{query.data?.totalMessages ?? '…'}</td>
            ))}
            <td>{[...orgTotals.values()].reduce((sum, n) => sum + n, 0)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
