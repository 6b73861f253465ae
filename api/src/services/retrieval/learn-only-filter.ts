/**
 * Learn-only knowledge may shape an answer but must never be quoted. The prompt says so; this
 * filter enforces it on the streamed answer: any run of `minRunWords` or more consecutive
 * words that also occurs in a learn-only passage is dropped, and so is any distinctive token
 * of a learn-only passage (an identifier-like word: long, or mixing letters with digits or
 * dashes) that appears neither in a citable passage nor in the visitor's question.
 *
 * It streams: a word is released only once the next `minRunWords - 1` words are known (or
 * the answer ended), since only then is it sure not to start a forbidden run. With no
 * learn-only passage retrieved, nothing is held back.
 */
export class LearnOnlyFilter {
  private readonly forbiddenRuns = new Set<string>();
  private readonly forbiddenTokens = new Set<string>();
  /** Words not yet released, with their normalized key ('' for punctuation only). */
  private readonly pending: { raw: string; key: string; drop: boolean }[] = [];
  /** Keys of the last released words, so a run spanning a release is still seen. */
  private released: string[] = [];
  private partial = '';
  private readonly minRun: number;
  readonly active: boolean;

  constructor(options: { learnOnly: string[]; allowed: string[]; minRunWords?: number }) {
    this.minRun = options.minRunWords ?? 6;
    this.active = options.learnOnly.length > 0;
    const allowedTokens = new Set(options.allowed.flatMap((text) => tokens(text)));
    for (const passage of options.learnOnly) {
      const keys = tokens(passage);
      for (let i = 0; i + this.minRun <= keys.length; i++)
        this.forbiddenRuns.add(keys.slice(i, i + this.minRun).join(' '));
      for (const key of keys)
        if (isDistinctive(key) && !allowedTokens.has(key)) this.forbiddenTokens.add(key);
    }
  }

  /** Feeds streamed text; returns what may be sent now. */
  push(text: string): string {
    if (!this.active) return text;
    this.partial += text;
    // Only whole words (followed by whitespace) are judged; the tail waits for more text.
    const match = this.partial.match(/^([\s\S]*\s)(\S*)$/);
    if (!match) return '';
    this.partial = match[2] as string;
    for (const raw of (match[1] as string).match(/\S+\s*|\s+/g) ?? []) this.addWord(raw);
    return this.release(false);
  }

  /** The end of the answer: releases whatever is left and allowed. */
  end(): string {
    if (!this.active) return '';
    if (this.partial) this.addWord(this.partial);
    this.partial = '';
    return this.release(true);
  }

  private addWord(raw: string): void {
    const keys = tokens(raw);
    const word = { raw, key: keys.join(' '), drop: keys.some((k) => this.forbiddenTokens.has(k)) };
    this.pending.push(word);
    if (!word.key) return;
    // Does the run of minRun words ending here occur in a learn-only passage?
    const keyed = this.pending.filter((w) => w.key);
    const recent = [...this.released, ...keyed.map((w) => w.key)].join(' ').split(' ').slice(-this.minRun);
    if (recent.length === this.minRun && this.forbiddenRuns.has(recent.join(' '))) {
      let words = this.minRun;
      for (let i = this.pending.length - 1; i >= 0 && words > 0; i--) {
        const candidate = this.pending[i] as { key: string; drop: boolean };
        candidate.drop = true;
        if (candidate.key) words -= candidate.key.split(' ').length;
      }
    }
  }

  private release(all: boolean): string {
    // A word is released once minRun - 1 keyed words follow it: every run containing it has been checked.
    let count = this.pending.length;
    if (!all) {
      let keyedAfter = 0;
      count = 0;
      for (let i = this.pending.length - 1; i >= 0; i--) {
        if (keyedAfter >= this.minRun - 1) {
          count = i + 1;
          break;
        }
        if ((this.pending[i] as { key: string }).key) keyedAfter++;
      }
    }
    const out = this.pending.splice(0, count);
    this.released = [...this.released, ...out.filter((w) => w.key).map((w) => w.key)]
      .join(' ')
      .split(' ')
      .filter(Boolean)
      .slice(-(this.minRun - 1));
    return out
      .filter((w) => !w.drop)
      .map((w) => w.raw)
      .join('');
  }
}

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? [];
}

function isDistinctive(token: string): boolean {
  if (token.length >= 14) return true;
  return token.length >= 6 && /\d/.test(token) && /\p{L}/u.test(token);
}
