import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.ts';
import { CHECKED, cruise } from './check-imports.ts';

/** A tree laid out like the repository, holding only `files`. */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'privexbot-imports-'));
  copyFileSync(join(repoRoot, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fixture module that imports `name` from `from` and re-exports it as `as`. */
const importing = (name: string, from: string, as: string) =>
  `import { ${name} } from '${from}';\nexport const ${as} = ${name};\n`;

describe('who may import whom', () => {
  it('passes imports the graph allows', () => {
    const root = fixture({
      'schema/src/sse/codec.ts': 'export const codec = 1;\n',
      'api/src/gateway/start.ts': importing('codec', '../../../schema/src/sse/codec.js', 'a'),
      'api/src/app.ts': importing('a', './gateway/start.js', 'app'),
      'dapp/widget/src/frame.ts': importing('codec', '../../../schema/src/sse/codec.js', 'f'),
    });
    // The fixture has no node_modules, so schema is reached by path: only the exports rule may fire.
    const { status, output } = cruise(root, ['schema', 'api', 'dapp'], ['--output-type', 'err']);
    expect(output).not.toMatch(/gateway-never|widget-imports|side-by-side|schema-imports/);
    expect(output).toMatch(/import-packages-through-their-exports/);
    expect(status).not.toBe(0);
  });

  it('fails each forbidden import with the name of the rule it breaks', () => {
    const root = fixture({
      'api/src/app.ts': 'export const app = 1;\n',
      'api/src/gateway/start.ts': importing('app', '../app.js', 'g'),
      'relayer/src/main.ts': importing('app', '../../api/src/app.js', 'r'),
      'schema/src/leaf.ts': importing('r', '../../relayer/src/main.js', 's'),
      'dapp/src/page.ts': 'export const page = 1;\n',
      'dapp/widget/src/frame.ts': importing('page', '../../src/page.js', 'f'),
      'scripts/helper.ts': 'export const h = 1;\n',
      'api/src/uses-script.ts': importing('h', '../../scripts/helper.js', 'u'),
      'tests/support/standin.ts': 'export const standin = 1;\n',
      'api/src/uses-standin.ts': importing('standin', '../../tests/support/standin.js', 'p'),
      'api/src/uses-standin.test.ts': importing('standin', '../../tests/support/standin.js', 't'),
    });
    const { status, output } = cruise(
      root,
      ['schema', 'api', 'relayer', 'dapp', 'scripts'],
      ['--output-type', 'err'],
    );
    expect(status).not.toBe(0);
    for (const rule of [
      'gateway-never-imports-the-api-platform: api/src/gateway/start.ts → api/src/app.ts',
      'api-relayer-dapp-stand-side-by-side: relayer/src/main.ts → api/src/app.ts',
      'schema-imports-nothing-of-ours: schema/src/leaf.ts → relayer/src/main.ts',
      'widget-imports-nothing-of-ours: dapp/widget/src/frame.ts → dapp/src/page.ts',
      'packages-never-import-scripts-or-tests: api/src/uses-script.ts → scripts/helper.ts',
      'import-packages-through-their-exports: relayer/src/main.ts → api/src/app.ts',
      'only-test-files-import-test-support: api/src/uses-standin.ts → tests/support/standin.ts',
    ]) {
      expect(output).toContain(rule);
    }
    // A test file may use the test-support package (only the missing package name is held against it).
    expect(output).not.toMatch(/(only-test-files|never-import-scripts)[^\n]*uses-standin\.test\.ts/);
  });

  it('holds on the repository', () => {
    const { status, output } = cruise(repoRoot, CHECKED, ['--output-type', 'err']);
    expect(output).not.toMatch(/error /);
    expect(status).toBe(0);
  });
});
