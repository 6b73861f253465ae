import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.ts';
import {
  readmeSettingsBlock,
  readSettings,
  renderSettingsTable,
  SETTINGS_SOURCES,
} from './settings-table.ts';

describe('the settings table', () => {
  it('in README.md is what the schemas say (regenerate: npx tsx scripts/config/settings-table.ts --write)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readmeSettingsBlock(readme)).toBe(renderSettingsTable());
  });

  it('gives every setting of every service a meaning', () => {
    for (const { file, schema } of SETTINGS_SOURCES) {
      const settings = readSettings(file, schema);
      expect(settings.length, file).toBeGreaterThan(5);
      expect(
        settings.filter((s) => s.meaning === '').map((s) => s.name),
        file,
      ).toEqual([]);
    }
  });

  it('reads defaults as written and tells required from optional', () => {
    const api = new Map(readSettings('api/src/config.ts', 'environmentSchema').map((s) => [s.name, s]));
    expect(api.get('PORT')?.defaultValue).toBe('8080');
    expect(api.get('DATABASE_URL')?.required).toBe(true);
    expect(api.get('GATEWAY_URL')).toMatchObject({ required: false, defaultValue: undefined });
  });
});
