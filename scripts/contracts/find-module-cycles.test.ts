import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.ts';
import { findCycles, readModuleGraph } from './find-module-cycles.ts';

describe('contract module cycles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'privexbot-modules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function crate(name: string, files: Record<string, string>): string {
    const src = join(dir, name, 'src');
    mkdirSync(src, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(src, file), text);
    return src;
  }

  it('finds a cycle through `use`, braces and inline paths, once however it is entered', () => {
    const src = crate('cyclic', {
      'lib.rs': 'pub mod a; pub mod b; pub mod c;',
      'a.rs': 'use crate::b::thing;\n',
      'b.rs': 'use crate::{state::X, c::other};\n',
      'c.rs': 'fn f() { crate::a::g() }\n',
      'state.rs': '',
    });
    expect(findCycles(readModuleGraph(src))).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('ignores comments, test code and test modules', () => {
    const src = crate('tests-only', {
      'a.rs': 'use crate::b::x;\n',
      'b.rs': '// see crate::a::y\n#[cfg(test)]\nmod tests { use crate::a::y; }\n',
      'contract_tests.rs': 'use crate::a::y; use crate::b::x;\n',
    });
    expect(findCycles(readModuleGraph(src))).toEqual([]);
  });

  it.each(['billing', 'shared', 'usage'])('the %s crate imports downward only', (name) => {
    expect(findCycles(readModuleGraph(join(repoRoot, 'contracts', name, 'src')))).toEqual([]);
  });
});
