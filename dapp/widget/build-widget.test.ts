import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWidget, GZIP_BUDGET_BYTES, widgetDistDir } from './build-widget.js';

describe('the widget build', () => {
  it('fits its gzip budget and writes the loader and the frame the api serves', async () => {
    const build = await buildWidget();
    expect(build.javascriptGzip).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
    for (const file of ['widget.js', 'frame.js', 'frame.css'])
      expect(readFileSync(join(widgetDistDir, file), 'utf8').length).toBeGreaterThan(0);
  });
});
