import { DEFAULT_SENTENCE_MODEL, modelCacheDirectory } from '@privexbot/schema/sentence-model';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { BotPlatformSettings } from '../../config.js';
import { LocalHashEmbedder } from '../embeddings/local-hash-embedder.js';
import { createLocalEmbedder } from './bot-platform.js';

/** A logger whose warnings the test reads. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, warnings: () => lines.filter((line) => line.level === 40).map((line) => line.msg) };
}

const settings = (localEmbeddings: 'model' | 'hash') =>
  ({ localEmbeddings, modelCacheDirectory: modelCacheDirectory() }) as BotPlatformSettings;

describe("the api's local embedder", () => {
  it('is the sentence model by default, saying nothing about word hashes', async () => {
    const { logger, warnings } = capturingLogger();
    const hash = new LocalHashEmbedder();
    const local = createLocalEmbedder(settings('model'), logger, hash);
    try {
      expect(local).not.toBe(hash);
      expect(local.id).toBe(DEFAULT_SENTENCE_MODEL.id);
      expect(warnings()).toEqual([]);
    } finally {
      await local.close?.();
    }
  });

  it('is word hashes only when EMBEDDINGS=hash asks for them, and the log says what that costs', () => {
    const { logger, warnings } = capturingLogger();
    const hash = new LocalHashEmbedder();
    expect(createLocalEmbedder(settings('hash'), logger, hash)).toBe(hash);
    expect(warnings()).toEqual([
      expect.stringMatching(/^EMBEDDINGS=hash: .*find only the words of their pages/),
    ]);
  });
});
