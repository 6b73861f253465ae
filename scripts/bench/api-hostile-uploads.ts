/**
 * Hostile uploads, before and after parsing moved off the event loop, side by side. Each case
 * runs in a process of its own that serves `/healthz`; this process asks it every 10 ms (a
 * second client) while the case parses one hostile file:
 *   before: the parsers called on the event loop, as the api called them before (no caps);
 *   after:  DocumentParser (caps checked first, the parse in a capped child process).
 * Printed per case: time to the answer (text or refusal), /healthz p50 / p99 / max and answers
 * during the parse, and the case process's peak RSS (the parsing child's heap is capped apart).
 *
 *   npx tsx scripts/bench/api-hostile-uploads.ts     (env: CASES=docx,pdf,csv,html MODES=before,after)
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DocumentParser } from '@privexbot/api/services/knowledge/document-parser';
import type { DocumentFormat } from '@privexbot/api/services/knowledge/parse-document';
import {
  csvSingleLine,
  docxZipBomb,
  pdfRecursiveObjectStream,
} from '@privexbot/api/testing/hostile-documents';

type CaseName = 'docx' | 'pdf' | 'csv' | 'html';
type Mode = 'before' | 'after';
interface CaseReport {
  outcome: string;
  ms: number;
  peakRssMb: number;
  baseRssMb: number;
}

const hostile: Record<CaseName, { label: string; format: DocumentFormat; build(): Promise<Buffer> }> = {
  docx: {
    label: 'DOCX zip bomb, 330 MB of XML',
    format: 'docx',
    build: async () => (await docxZipBomb(330e6)).docx,
  },
  pdf: {
    label: 'PDF recursive object stream, 200 MB',
    format: 'pdf',
    build: () => pdfRecursiveObjectStream(200e6),
  },
  csv: { label: 'CSV, one 50 MB line', format: 'csv', build: async () => csvSingleLine(50 * 1024 * 1024) },
  html: {
    label: 'HTML nested 200,000 deep',
    format: 'html',
    build: async () => Buffer.from(`<html><body>${'<div>'.repeat(200_000)}deep</body></html>`),
  },
};

/** The parsers as the api called them on its event loop before this change, without caps. */
async function parseInline(format: DocumentFormat, content: Buffer): Promise<string> {
  const { convert } = await import('html-to-text');
  if (format === 'docx') {
    const { default: mammoth } = await import('mammoth');
    return convert((await mammoth.convertToHtml({ buffer: content })).value, { wordwrap: false });
  }
  if (format === 'pdf') {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(content)), { mergePages: true });
    return text as string;
  }
  if (format === 'csv') {
    const { parse } = await import('csv-parse/sync');
    return JSON.stringify(parse(content.toString('utf8'), { columns: true, relax_column_count: true }));
  }
  return convert(content.toString('utf8'), { wordwrap: false });
}

async function runCase(name: CaseName, mode: Mode): Promise<void> {
  const send = process.send?.bind(process) as (message: unknown) => void;
  const content = await hostile[name].build();
  const server = createServer((_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const parser = new DocumentParser({
    timeoutMs: 20_000,
    maxMemoryMb: 384,
    maxExpandedBytes: 64 * 1024 * 1024,
    maxTextChars: 20_000_000,
    uploadsPerOrg: 2,
    processes: 2,
  });
  // Warm up both paths (imports, the spare process) so the figures are about the file.
  if (mode === 'after') await parser.parse('text', Buffer.from('warm'));
  else await parseInline('html', Buffer.from('<p>warm</p>'));
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  send({ port: (server.address() as AddressInfo).port });
  await new Promise((resolve) => process.once('message', resolve));
  const started = performance.now();
  let outcome: string;
  try {
    const text =
      mode === 'after'
        ? await parser.parse(hostile[name].format, content)
        : await parseInline(hostile[name].format, content);
    outcome = `parsed, ${text.length} characters`;
  } catch (error) {
    const e = error as Error & { code?: string; details?: { reason?: string } };
    outcome = e.code ? `${e.code} (${e.details?.reason})` : `error: ${e.message.slice(0, 60)}`;
  }
  const ms = performance.now() - started;
  // The kernel's high-water mark: a blocked event loop cannot sample its own peak.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  send({ report: { outcome, ms, peakRssMb, baseRssMb } satisfies CaseReport });
  // Keep serving until the prober has its last answer: a /healthz the parse held up counts.
  await new Promise((resolve) => process.once('message', resolve));
  await parser.close();
  server.close();
  process.exit(0);
}

async function measure(name: CaseName, mode: Mode) {
  const child = fork(fileURLToPath(import.meta.url), ['--case', name, mode], {
    execArgv: [...process.execArgv, '--max-old-space-size=4096'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m) => resolve((m as { port: number }).port)),
  );
  const healthz: number[] = [];
  let report: CaseReport | undefined;
  const finished = new Promise<void>((resolve) => {
    child.on('message', (m) => {
      if ((m as { report?: CaseReport }).report) report = (m as { report: CaseReport }).report;
      resolve();
    });
    child.on('exit', () => resolve());
  });
  let done = false;
  void finished.then(() => {
    done = true;
  });
  child.send('go');
  while (!done) {
    const started = performance.now();
    try {
      await (
        await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(120_000) })
      ).text();
      // A request sent during the parse counts, even when the parse blocked it to the end.
      healthz.push(performance.now() - started);
    } catch {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await finished;
  child.send('bye');
  const sorted = healthz.sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? Number.NaN;
  const ms = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(1));
  return {
    outcome: report?.outcome ?? `the process died (exit ${child.exitCode ?? child.signalCode})`,
    ms: report?.ms ?? Number.NaN,
    healthz: `${ms(at(0.5))} / ${ms(at(0.99))} / ${ms(sorted.at(-1) ?? Number.NaN)} ms (${sorted.length})`,
    rss: report ? `${report.baseRssMb.toFixed(0)} MB, peak ${report.peakRssMb.toFixed(0)} MB` : '—',
  };
}

if (process.argv[2] === '--case') {
  await runCase(process.argv[3] as CaseName, process.argv[4] as Mode);
} else {
  const cases = (process.env.CASES ?? 'docx,pdf,csv,html').split(',') as CaseName[];
  const modes = (process.env.MODES ?? 'before,after').split(',') as Mode[];
  console.log(`hostile uploads (load average ${loadavg()[0]?.toFixed(1)})`);
  console.log(
    '| file | mode | answer | time | /healthz p50 / p99 / max (answers) during the parse | RSS of the api process before, peak |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const name of cases) {
    for (const mode of modes) {
      const r = await measure(name, mode);
      console.log(
        `| ${hostile[name].label} | ${mode} | ${r.outcome} | ${r.ms.toFixed(0)} ms | ${r.healthz} | ${r.rss} |`,
      );
    }
  }
}
