import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATED_MARKER, generateAll, generateContractTypes } from './gen-contract-types.js';

/** A small API file in cosmwasm-schema 1.5's `write_api!` layout. */
const counterApi = {
  contract_name: 'counter',
  contract_version: '0.1.0',
  idl_version: '1.0.0',
  instantiate: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'InstantiateMsg',
    type: 'object',
    required: ['start'],
    properties: { start: { $ref: '#/definitions/Uint128' }, owner: { type: ['string', 'null'] } },
    additionalProperties: false,
    definitions: { Uint128: { description: 'A string-encoded integer', type: 'string' } },
  },
  execute: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ExecuteMsg',
    oneOf: [
      {
        type: 'object',
        required: ['increment'],
        properties: { increment: { type: 'object', additionalProperties: false } },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['reset'],
        properties: {
          reset: {
            type: 'object',
            required: ['count'],
            properties: { count: { $ref: '#/definitions/Uint128' } },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    ],
    definitions: { Uint128: { description: 'A string-encoded integer', type: 'string' } },
  },
  query: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'QueryMsg',
    oneOf: [
      {
        type: 'object',
        required: ['count'],
        properties: { count: { type: 'object', additionalProperties: false } },
        additionalProperties: false,
      },
    ],
  },
  migrate: null,
  sudo: null,
  responses: {
    count: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'CountResponse',
      type: 'object',
      required: ['count'],
      properties: { count: { $ref: '#/definitions/Uint128' } },
      additionalProperties: false,
      definitions: { Uint128: { description: 'A string-encoded integer', type: 'string' } },
    },
  },
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fixture(): { schemaRoot: string; outDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'privexbot-gen-'));
  dirs.push(root);
  const schemaRoot = join(root, 'json');
  const outDir = join(root, 'out');
  mkdirSync(join(schemaRoot, 'counter'), { recursive: true });
  mkdirSync(outDir);
  writeFileSync(join(schemaRoot, 'counter', 'counter.json'), JSON.stringify(counterApi));
  return { schemaRoot, outDir };
}

describe('gen-contract-types', () => {
  it('emits one type per message and definition, and the messages map', async () => {
    const { schemaRoot } = fixture();
    const source = await generateContractTypes('counter', join(schemaRoot, 'counter'));
    expect(source).toContain(GENERATED_MARKER);
    expect(source).toMatch(/export type Uint128 = string;/);
    expect(source).toMatch(
      /export interface InstantiateMsg \{[^}]*start: Uint128;[^}]*owner\?: string \| null;/s,
    );
    expect(source).toMatch(/export type ExecuteMsg =/);
    expect(source).toMatch(/reset: \{\s*count: Uint128;\s*\};/);
    expect(source).toMatch(/export interface CountResponse/);
    expect(source).toMatch(/export interface CounterMessages \{/);
    expect(source).toMatch(/responses: \{\s*count: CountResponse;\s*\};/);
    // one declaration of the shared definition, although three roots carry it
    expect(source.match(/export type Uint128 =/g)).toHaveLength(1);
  });

  it('writes the files, then --check passes; a schema change makes --check report the stale file', async () => {
    const { schemaRoot, outDir } = fixture();
    const first = await generateAll({ schemaRoot, outDir, check: false });
    expect(first.written).toEqual([join(outDir, 'counter.ts')]);
    expect(await generateAll({ schemaRoot, outDir, check: true })).toEqual({
      written: [],
      stale: [],
      orphans: [],
    });

    const changed = structuredClone(counterApi);
    changed.instantiate.properties.owner = {
      type: ['string', 'null'],
      description: 'now documented',
    } as never;
    writeFileSync(join(schemaRoot, 'counter', 'counter.json'), JSON.stringify(changed));
    const before = readFileSync(join(outDir, 'counter.ts'), 'utf8');
    const check = await generateAll({ schemaRoot, outDir, check: true });
    expect(check.stale).toEqual([join(outDir, 'counter.ts')]);
    expect(readFileSync(join(outDir, 'counter.ts'), 'utf8')).toBe(before); // --check never writes
  });

  it('reports generated files whose schema directory is gone, and leaves hand-written files alone', async () => {
    const { schemaRoot, outDir } = fixture();
    await generateAll({ schemaRoot, outDir, check: false });
    writeFileSync(join(outDir, 'old.ts'), readFileSync(join(outDir, 'counter.ts'), 'utf8'));
    writeFileSync(join(outDir, 'counter-client.ts'), 'export const handWritten = true;\n');
    const result = await generateAll({ schemaRoot, outDir, check: true });
    expect(result.orphans).toEqual([join(outDir, 'old.ts')]);
  });

  it('refuses conflicting definitions and untitled roots with a clear error', async () => {
    const { schemaRoot } = fixture();
    const conflicting = structuredClone(counterApi);
    conflicting.responses.count.definitions.Uint128 = { description: 'different', type: 'string' };
    writeFileSync(join(schemaRoot, 'counter', 'counter.json'), JSON.stringify(conflicting));
    await expect(generateContractTypes('counter', join(schemaRoot, 'counter'))).rejects.toThrow(
      /two different schemas are both named Uint128/,
    );
    writeFileSync(join(schemaRoot, 'counter', 'counter.json'), '{"contract_name":');
    await expect(generateContractTypes('counter', join(schemaRoot, 'counter'))).rejects.toThrow(
      /not valid JSON/,
    );
  });
});
