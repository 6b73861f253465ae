/**
 * What learn-only promises, enforced on the answer: the model may reason with a learn-only
 * passage, but its wording and its distinctive facts never reach the visitor, however the model
 * was talked into transforming them. Distinctive facts are the names, codes, numbers and rare
 * words of the retrieved learn-only passages that neither the citable passages nor the question
 * contain; a bot's secrets list is withheld the same way, wherever it appears.
 *
 * The answer is read in several views, each normalized (Unicode NFKC, case folded, punctuation
 * and whitespace gone, digits spelled as words read as digits): as written, ROT13-decoded, and
 * the base64 and hex runs in it decoded. In every view:
 * - a distinctive token (letters and digits of one passage word, e.g. `quokkacanary7731`) is
 *   looked for in the view's letters and digits run together, so spacing, dashes, case and
 *   spelled digits do not hide it;
 * - the words that also occur in the learn-only passages (content words only: filler the model
 *   inserts is skipped) are cut into 4-grams, read forwards and backwards, and compared with the
 *   passages' 4-grams that the citable text and the question do not contain.
 * A match withholds the answer: nothing more of it is shown, and a notice says so.
 *
 * Streaming: text is released only when no match can still end in it: the last words are held
 * back (as many as the longest forbidden token has characters, at least 12) and so is an
 * unfinished run of base64 or hex, which can only be decoded whole. Without learn-only passages
 * or secrets nothing is held back.
 */
export class LearnOnlyGuard {
  private readonly forbiddenTokens: string[] = [];
  private readonly forbiddenGrams = new Set<string>();
  private readonly vocabulary = new Set<string>();
  private readonly holdWords: number;
  private text = '';
  private releasedUpTo = 0;
  /** Which check withheld the answer (for the log), or undefined. */
  withheldBy: string | undefined;
  readonly active: boolean;

  constructor(options: { learnOnly: string[]; allowed: string[]; secrets?: string[] }) {
    const secrets = (options.secrets ?? []).map((s) => squash(words(s))).filter((s) => s.length >= 3);
    this.active = options.learnOnly.length > 0 || secrets.length > 0;
    const allowedWords = options.allowed.flatMap((text) => words(text));
    const allowedSquashed = new Set(allowedWords);
    const allowedRun = squash(allowedWords);
    const allowedGrams = new Set(grams(allowedWords.filter((w) => !STOPWORDS.has(w))));
    for (const passage of options.learnOnly) {
      let sentenceStart = true;
      for (const raw of passage.split(/\s+/).filter(Boolean)) {
        const token = squash(words(raw));
        if (
          token.length >= 3 &&
          isDistinctive(raw, sentenceStart) &&
          !allowedSquashed.has(token) &&
          !allowedRun.includes(token)
        )
          this.forbiddenTokens.push(token);
        sentenceStart = /[.!?:]["')\]]*$/.test(raw);
      }
      const content = words(passage).filter((w) => !STOPWORDS.has(w));
      for (const w of content) this.vocabulary.add(w);
      for (const gram of grams(content)) if (!allowedGrams.has(gram)) this.forbiddenGrams.add(gram);
    }
    this.forbiddenTokens.push(...secrets);
    const longest = Math.max(0, ...this.forbiddenTokens.map((t) => t.length));
    this.holdWords = Math.max(12, longest + 2);
  }

  get withheld(): boolean {
    return this.withheldBy !== undefined;
  }

  /** Feeds streamed text; returns what may be shown now ('' once the answer is withheld). */
  push(piece: string): string {
    if (!this.active) return piece;
    if (this.withheld) return '';
    this.text += piece;
    this.check();
    if (this.withheld) return '';
    return this.releaseTo(this.safePoint());
  }

  /** The end of the answer: what is left, or the withheld notice. */
  end(): string {
    if (!this.active) return '';
    if (!this.withheld) this.check();
    if (this.withheld) return this.releasedUpTo > 0 ? `\n\n${WITHHELD_NOTICE}` : WITHHELD_NOTICE;
    return this.releaseTo(this.text.length);
  }

  private releaseTo(end: number): string {
    if (end <= this.releasedUpTo) return '';
    const out = this.text.slice(this.releasedUpTo, end);
    this.releasedUpTo = end;
    return out;
  }

  /** Where the held-back tail starts: the last holdWords words, and any unfinished encoded run. */
  private safePoint(): number {
    let point = this.text.length;
    const encoded = this.text.match(/[A-Za-z0-9+/=]{8,}$/);
    if (encoded) point = this.text.length - encoded[0].length;
    let seen = 0;
    const pattern = /[\p{L}\p{N}]+/gu;
    const starts: number[] = [];
    for (const match of this.text.slice(0, point).matchAll(pattern)) starts.push(match.index ?? 0);
    seen = starts.length;
    if (seen <= this.holdWords) return this.releasedUpTo;
    return Math.max(this.releasedUpTo, starts[seen - this.holdWords] ?? 0);
  }

  private check(): void {
    for (const [name, view] of views(this.text)) {
      const run = squash(view);
      const token = this.forbiddenTokens.find((t) => run.includes(t));
      if (token) {
        this.withheldBy = `${name}: distinctive token`;
        return;
      }
      const content = view.filter((w) => this.vocabulary.has(w));
      for (const sequence of [content, [...content].reverse()])
        for (const gram of grams(sequence))
          if (this.forbiddenGrams.has(gram)) {
            this.withheldBy = `${name}: learn-only 4-gram`;
            return;
          }
    }
  }
}

export const WITHHELD_NOTICE =
  'I can’t share that: part of this answer repeated knowledge this assistant may use but not disclose.';

const DIGITS: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

/** Normalized words: NFKC, lower case, letters and digits only, spelled digits as digits. */
function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).map((w) => DIGITS[w] ?? w);
}

function squash(list: string[]): string {
  return list.join('');
}

function grams(list: string[], n = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= list.length; i++) out.push(list.slice(i, i + n).join(' '));
  return out;
}

/** The answer as written, ROT13-decoded, and its base64 and hex runs decoded. */
function views(text: string): [string, string[]][] {
  const decoded: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/]{12,}={0,2}/g) ?? []) {
    const hex = /^(?:[0-9a-fA-F]{2})+$/.test(run) ? readable(Buffer.from(run, 'hex')) : undefined;
    if (hex) decoded.push(hex);
    const base64 = readable(Buffer.from(run.slice(0, run.length - (run.length % 4)), 'base64'));
    if (base64) decoded.push(base64);
  }
  return [
    ['text', words(text)],
    ['rot13', words(rot13(text))],
    ['decoded', words(decoded.join(' '))],
  ];
}

/** UTF-8 text when the bytes are mostly printable, else undefined (a word that only looked encoded). */
function readable(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.length < 6) return undefined;
  const printable = text.match(/[\p{L}\p{N}\p{P}\p{Zs}\n]/gu)?.length ?? 0;
  return printable / text.length >= 0.9 ? text : undefined;
}

function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/**
 * Names, codes, numbers and rare words: a word with a digit, a capitalized word (a name, when
 * the passage's own sentence did not just start), or a long word (9+ letters).
 */
function isDistinctive(raw: string, sentenceStart: boolean): boolean {
  const core = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (!core) return false;
  if (/\p{N}/u.test(core)) return true;
  if (!sentenceStart && /^\p{Lu}/u.test(core) && !STOPWORDS.has(core.toLowerCase())) return true;
  return core.length >= 9;
}

/** Function words: they carry no wording of their own, so 4-grams skip them. */
const STOPWORDS = new Set(
  'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its me my no not of on or our she so than that the their them then there these they this those to too under up us was we were what when where which who why will with would you your'.split(
    ' ',
  ),
);
