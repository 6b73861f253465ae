import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CappedChild {
  child: ChildProcess;
  /** Resolves on the child's first message (it is listening); rejects if it ends first. */
  ready: Promise<void>;
}

/**
 * Starts a worker module in a child process with a heap cap (`--max-old-space-size`), the way
 * hostile input is read off the api's event loop (uploads by DocumentParser, crawled pages by
 * PageExtractor). `worker` is the compiled module's URL (`new URL('./x-worker.js',
 * import.meta.url)`): when the api runs from its TypeScript sources through tsx (npm start,
 * tests), the child loads the `.ts` file through tsx too.
 */
export function startCappedChild(options: { worker: URL; maxMemoryMb: number; what: string }): CappedChild {
  const { entry, execArgv } = workerEntry(options.worker);
  const child = fork(entry, [], {
    execArgv: [...execArgv, `--max-old-space-size=${options.maxMemoryMb}`],
    serialization: 'advanced',
    // The child's own output (a parser's warnings, V8's out-of-memory report) is not the api's log.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', () => reject(new Error(`the ${options.what} process ended before it was ready`)));
    child.once('error', reject);
  });
  ready.catch(() => {});
  return { child, ready };
}

function workerEntry(worker: URL): { entry: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { entry: fileURLToPath(worker), execArgv: [] };
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return {
    entry: fileURLToPath(worker).replace(/\.js$/, '.ts'),
    execArgv: ['--import', tsxLoader],
  };
}
