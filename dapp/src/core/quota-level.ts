/** The marks at which our plans promise an alert (PRODUCT.md): 70, 85 and 95 % of a quota. */
export const QUOTA_MARKS = [70, 85, 95] as const;
export type QuotaMark = (typeof QUOTA_MARKS)[number];

export interface QuotaLevel {
  /** used / limit in percent, rounded down; null when the plan sets no limit */
  percent: number | null;
  /** the highest mark reached, if any */
  crossed: QuotaMark | undefined;
  exhausted: boolean;
}

export function quotaLevel(used: number, limit: number | null | undefined): QuotaLevel {
  if (limit === null || limit === undefined) return { percent: null, crossed: undefined, exhausted: false };
  if (limit <= 0) return { percent: 100, crossed: 95, exhausted: true };
  const percent = Math.floor((used * 100) / limit);
  const crossed = [...QUOTA_MARKS].reverse().find((mark) => percent >= mark);
  return { percent, crossed, exhausted: used >= limit };
}
