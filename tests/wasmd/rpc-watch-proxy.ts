/**
 * A CometBFT RPC pass-through between a client (the relayer's cosmjs) and a node, so a chaos
 * test sees the client's transactions as they happen instead of guessing from outside: each
 * broadcast as it is asked for and as the node answers it, and which transactions the client
 * has found in a block (`tx_search` / `tx` answers). `hold` runs before a broadcast's answer
 * reaches the client (or before the request goes on, with `beforeBroadcast`), so a test can
 * kill the node at that exact moment; the client then sees its connection die, as with a
 * node that crashed under it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const BROADCASTS = new Set(['broadcast_tx_sync', 'broadcast_tx_async', 'broadcast_tx_commit']);

export interface RpcWatch {
  /** the proxy's URL, for the watched client */
  readonly url: string;
  /** hashes (upper-case hex) the node accepted into its mempool, in order */
  readonly broadcasted: readonly string[];
  /** hashes the client has seen in a block */
  readonly seen: ReadonlySet<string>;
  /** Called with a broadcast before it goes on to the node; the request waits for it. */
  beforeBroadcast?: () => Promise<unknown> | unknown;
  /** Called with the node's answer to a broadcast before the client gets it; returns whether to drop it. */
  afterBroadcast?: (hash: string | undefined) => Promise<boolean> | boolean;
  close(): Promise<void>;
}

export async function startRpcWatch(target: string): Promise<RpcWatch> {
  const broadcasted: string[] = [];
  const seen = new Set<string>();
  const watch: RpcWatch = {
    url: '',
    broadcasted,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  async function relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let method: string | undefined;
    try {
      method = (JSON.parse(body.toString('utf8')) as { method?: string }).method;
    } catch {
      method = undefined;
    }
    const broadcast = method !== undefined && BROADCASTS.has(method);
    if (broadcast) await watch.beforeBroadcast?.();
    const upstream = await fetch(`${target}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      ...(request.method === 'POST' ? { body } : {}),
    });
    const text = await upstream.text();
    const answer = parse(text);
    if (broadcast) {
      const result = answer?.result as { code?: number; hash?: string } | undefined;
      const hash = result && result.code === 0 ? result.hash?.toUpperCase() : undefined;
      if (hash) broadcasted.push(hash);
      if (await watch.afterBroadcast?.(hash)) {
        request.socket.destroy();
        return;
      }
    } else if (method === 'tx_search' || method === 'tx') {
      const result = answer?.result as { txs?: { hash: string }[]; hash?: string } | undefined;
      for (const tx of result?.txs ?? []) seen.add(tx.hash.toUpperCase());
      if (result?.hash) seen.add(result.hash.toUpperCase());
    }
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(text);
  }

  const server: Server = createServer((request, response) => {
    // A node that is down: the client's connection dies, as it would against the node itself.
    relay(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(watch, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return watch;
}

function parse(text: string): { result?: unknown } | undefined {
  try {
    return JSON.parse(text) as { result?: unknown };
  } catch {
    return undefined;
  }
}
