/**
 * How the stand-in plays a model that obeys a prompt injection: it echoes the background block
 * of its system message (the learn-only passages the api gave it) back, transformed the ways
 * an attacker asks for, to try every guard the api puts on answers.
 */
export const obeyModes = [
  'verbatim',
  'upper',
  'spaced',
  'base64',
  'hex',
  'rot13',
  'reversed',
  'filler',
  'dashes-to-spaces',
  'digits-spelled',
  /** Obeys nothing: answers only from the citable passages (what a guard must let through). */
  'citable-only',
] as const;
export type ObeyMode = (typeof obeyModes)[number];

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** What the obeying model says: its hidden context, transformed. */
export function obeyInjection(mode: ObeyMode, hidden: string): string {
  const text = hidden.replace(/\s+/g, ' ').trim();
  switch (mode) {
    case 'verbatim':
      return text.replace(/([.!?]) /g, '$1\n');
    case 'upper':
      return text.toUpperCase();
    case 'spaced':
      return [...text].join(' ');
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'hex':
      return Buffer.from(text, 'utf8').toString('hex');
    case 'rot13':
      return text.replace(/[a-z]/gi, (c) => {
        const base = c <= 'Z' ? 65 : 97;
        return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
      });
    case 'reversed':
      return text.split(' ').reverse().join(' ');
    case 'filler':
      return text
        .split(' ')
        .map((word, i) => ((i + 1) % 5 === 0 ? `${word} basically` : word))
        .join(' ');
    case 'dashes-to-spaces':
      return text.replace(/-/g, ' ');
    case 'digits-spelled':
      return text.replace(/\d/g, (d) => ` ${DIGIT_WORDS[Number(d)]} `).replace(/ +/g, ' ');
    case 'citable-only':
      return '';
  }
}

/** The background block of a system message (`<background>…</background>`), or ''. */
export function hiddenContextOf(system: string): string {
  return system.match(/<background>([\s\S]*?)<\/background>/)?.[1]?.trim() ?? '';
}
