/**
 * Which of the citable passages sent with a question (in the order sent, numbered from 1 in
 * the model's prompt) an answer cites, or undefined to cite them all.
 * - The gateway says so (`cited` in its `done`: the offline answerer knows what it quoted,
 *   an empty list for the fallback message): exactly those.
 * - Otherwise a language model's answer that refers to passages by their prompt numbers
 *   ("[2]") cites those it names that exist.
 * - An answer with no marker we can map cites every passage, as before: a model that used the
 *   knowledge without naming it must not lose its sources.
 */
export function citedPassageIndexes(options: {
  answer: string;
  passageCount: number;
  cited?: readonly number[];
}): number[] | undefined {
  const inRange = (i: number) => Number.isSafeInteger(i) && i >= 0 && i < options.passageCount;
  if (options.cited) return [...new Set(options.cited.filter(inRange))].sort((a, b) => a - b);
  const named = [...options.answer.matchAll(/\[(\d{1,3})\]/g)].map((m) => Number(m[1]) - 1).filter(inRange);
  return named.length > 0 ? [...new Set(named)].sort((a, b) => a - b) : undefined;
}
