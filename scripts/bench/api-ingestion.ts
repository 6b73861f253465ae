/**
 * Ingestion throughput: documents through createSource (parse, chunk, one transaction per
 * source) and the ingestion worker (local embedder, vectors written in batches), on each
 * database of DATABASES (default `embedded,postgres`, side by side), each in a process of its own.
 *
 *   npx tsx scripts/bench/api-ingestion.ts     (env: DATABASES=embedded,postgres MEGABYTES=2 FORMAT=markdown|html EMBEDDER=model|hash)
 *
 * EMBEDDER=model (default) embeds with the sentence model in its worker pool, as bots do by
 * default; run scripts/bench/api-chat.ts at the same time for "with chat load".
 */
import { loadavg } from 'node:os';
import type { CoreDeps } from '@privexbot/api/app-deps';
import { InMemoryOrgDirectory } from '@privexbot/api/chain/in-memory-org-directory';
import { loadConfig } from '@privexbot/api/config';
import { createBotPlatform } from '@privexbot/api/services/bots/bot-platform';
import { createSource } from '@privexbot/api/services/knowledge/create-source';
import { InMemoryPlanQuotaSource } from '@privexbot/api/services/quotas/in-memory-plan-quota-source';
import { pino } from 'pino';
import {
  type BenchDatabaseKind,
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  labelledCorpus,
  startBenchDatabase,
} from './api-bench-support.js';

const MEGABYTES = Number(process.env.MEGABYTES ?? 2);
const FORMAT = process.env.FORMAT === 'html' ? 'html' : 'markdown';
const EMBEDDINGS = process.env.EMBEDDER === 'hash' ? 'hash' : 'model';

for (const kind of benchDatabaseKinds()) await benchOn(kind);

async function benchOn(kind: BenchDatabaseKind): Promise<void> {
  const bench = await startBenchDatabase({ kind, ownProcess: true });
  try {
    const owner = 'secret1benchowner';
    const botId = await createBenchBot(bench.db, owner);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: bench.database.url,
      EMBEDDINGS,
      ...(process.env.EMBEDDING_THREADS ? { EMBEDDING_THREADS: process.env.EMBEDDING_THREADS } : {}),
    });
    const deps: CoreDeps = {
      config,
      db: bench.db,
      logger: pino({ level: 'warn' }),
      orgDirectory: new InMemoryOrgDirectory(),
      readinessChecks: [],
      clock: () => new Date(),
    };
    const platform = createBotPlatform(deps, { planQuotaSource: new InMemoryPlanQuotaSource() });
    await bench.db.bot.update({ where: { id: botId }, data: { embedder: platform.localEmbedderId } });
    // Documents of about 100 KB: the help-centre corpus, numbered so every copy is new content.
    const base = labelledCorpus.documents.map((d) => d.text).join('\n\n');
    const documents: string[] = [];
    let bytes = 0;
    for (let n = 0; bytes < MEGABYTES * 1_000_000; n++) {
      const sections: string[] = [];
      while (sections.join('\n\n').length < 100_000)
        sections.push(base.replaceAll('# ', `# Part ${n}.${sections.length} `));
      const markdown = sections.join('\n\n');
      const text =
        FORMAT === 'html'
          ? `<html><body>${markdown
              .split('\n\n')
              .map((p) => (p.startsWith('#') ? `<h2>${p.replace(/^#+ /, '')}</h2>` : `<p>${p}</p>`))
              .join('')}</body></html>`
          : markdown;
      documents.push(text);
      bytes += Buffer.byteLength(text);
    }
    const principal = { kind: 'user' as const, address: owner, sessionId: 'bench' };
    const started = performance.now();
    let chunks = 0;
    for (const [i, text] of documents.entries()) {
      const input =
        FORMAT === 'html'
          ? {
              type: 'file' as const,
              name: `doc-${i}.html`,
              mimeType: 'text/html',
              contentBase64: Buffer.from(text).toString('base64'),
              citable: true,
            }
          : { type: 'text' as const, name: `doc-${i}`, text, citable: true };
      const { source } = await createSource({
        db: bench.db,
        platform,
        orgId: '1',
        botId,
        principal,
        input,
        requestId: 'bench',
        now: new Date(),
      });
      chunks += source.progress?.chunksTotal ?? 0;
    }
    const stored = (performance.now() - started) / 1000;
    await platform.ingestion.idle();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `ingestion of ${documents.length} ${FORMAT} documents, ${(bytes / 1e6).toFixed(2)} MB, ${chunks} chunks (${platform.localEmbedderId}, load average ${loadavg()[0]?.toFixed(1)}) on ${describeDatabase(kind)}:`,
    );
    console.log(
      `  parsed, chunked and stored: ${stored.toFixed(1)} s; embedded and ready: ${seconds.toFixed(1)} s`,
    );
    console.log(
      `  throughput: ${(bytes / 1e6 / seconds).toFixed(2)} MB/s, ${(chunks / seconds).toFixed(0)} chunks/s`,
    );
    await platform.close();
  } finally {
    await bench.close();
  }
}
