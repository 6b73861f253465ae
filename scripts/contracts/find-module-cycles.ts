/**
 * The module graph of each contract crate (which `src/*.rs` file uses which sibling through
 * `crate::`), and the cycles in it. Each contract module must import downward only
 * (contracts/README.md), so `npm test` fails on any cycle.
 *
 * Written here rather than taken from a tool: `cargo modules dependencies --acyclic` does the
 * same, but it builds rust-analyzer from source (minutes on these machines) for what is a
 * scan of `crate::name` paths in flat, single-file modules. Test code (`#[cfg(test)]` and
 * the `*_tests.rs` modules) is left out: tests may reach anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../lib/paths.ts';

export type ModuleGraph = Map<string, Set<string>>;

/** Edges from each module of a crate's `src/` to the sibling modules it names. */
export function readModuleGraph(srcDir: string): ModuleGraph {
  const files = readdirSync(srcDir).filter((f) => f.endsWith('.rs') && !f.endsWith('tests.rs'));
  const modules = new Set(files.map((f) => basename(f, '.rs')).filter((m) => m !== 'lib'));
  const graph: ModuleGraph = new Map();
  for (const module of modules) {
    const source = productionCode(readFileSync(join(srcDir, `${module}.rs`), 'utf8'));
    const uses = new Set<string>();
    for (const m of source.matchAll(/\bcrate::(\w+)/g)) {
      const target = m[1] as string;
      if (target !== module && modules.has(target)) uses.add(target);
    }
    // `use crate::{a::x, b::y}` names its modules inside braces.
    for (const m of source.matchAll(/\bcrate::\{([^}]*)\}/g)) {
      for (const part of (m[1] as string).matchAll(/(?:^|,)\s*(\w+)::/g)) {
        const target = part[1] as string;
        if (target !== module && modules.has(target)) uses.add(target);
      }
    }
    graph.set(module, uses);
  }
  return graph;
}

/** The source without comments and without what `#[cfg(test)]` guards. */
function productionCode(source: string): string {
  const withoutComments = source.replace(/\/\/.*$/gm, '');
  const testStart = withoutComments.search(/#\[cfg\(test\)\]/);
  return testStart === -1 ? withoutComments : withoutComments.slice(0, testStart);
}

/** Every elementary cycle, each as a path that starts and ends at its smallest module name. */
export function findCycles(graph: ModuleGraph): string[][] {
  const cycles = new Map<string, string[]>();
  const walk = (start: string, node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        // Rotate so the same cycle found from another start is recorded once.
        const smallest = path.reduce((a, b) => (b < a ? b : a));
        const at = path.indexOf(smallest);
        const cycle = [...path.slice(at), ...path.slice(0, at), smallest];
        cycles.set(cycle.join(' → '), cycle);
      } else if (!path.includes(next) && next > start) {
        walk(start, next, [...path, next]);
      }
    }
  };
  for (const start of [...graph.keys()].sort()) walk(start, start, [start]);
  return [...cycles.values()];
}

export function contractCrates(): string[] {
  const dir = join(repoRoot, 'contracts');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'artifacts')
    .map((e) => e.name)
    .sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let found = 0;
  for (const crate of contractCrates()) {
    for (const cycle of findCycles(readModuleGraph(join(repoRoot, 'contracts', crate, 'src')))) {
      console.log(`${crate}: ${cycle.join(' → ')}`);
      found++;
    }
  }
  if (found === 0) console.log('no module cycles in the contracts');
  process.exit(found === 0 ? 0 : 1);
}
