// Builds the widget into dapp/widget/dist/ and enforces its size budget:
//   widget.js  the loader host pages include
//   frame.js   the conversation page's script (inlined into /embed/:botId by serve.ts)
//   frame.css  the conversation page's styles (inlined likewise)
// Prints raw, gzip and brotli sizes; exits with an error when the JavaScript of loader and
// frame together exceeds the budget, so CI fails on a widget that grew too much.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Loader plus frame JavaScript, gzipped. */
export const GZIP_BUDGET_BYTES = 10 * 1024;

export interface BuiltFile {
  name: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface WidgetBuild {
  files: BuiltFile[];
  /** Gzipped bytes of widget.js + frame.js, the figure the budget applies to. */
  javascriptGzip: number;
}

const here = new URL('./', import.meta.url);
export const widgetDistDir = fileURLToPath(new URL('dist/', here));

function measure(name: string): BuiltFile {
  const bytes = readFileSync(new URL(`dist/${name}`, here));
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export async function buildWidget(): Promise<WidgetBuild> {
  await build({
    entryPoints: {
      widget: fileURLToPath(new URL('src/loader/widget-loader.ts', here)),
      frame: fileURLToPath(new URL('src/frame/frame-main.ts', here)),
    },
    outdir: widgetDistDir,
    bundle: true,
    minify: true,
    format: 'iife',
    // Browsers of the last few years; host pages cannot choose which browser visits them.
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await build({
    entryPoints: { frame: fileURLToPath(new URL('src/frame/frame.css', here)) },
    outdir: widgetDistDir,
    minify: true,
    logLevel: 'warning',
  });
  const files = ['widget.js', 'frame.js', 'frame.css'].map(measure);
  const javascriptGzip = files.filter((f) => f.name.endsWith('.js')).reduce((sum, f) => sum + f.gzip, 0);
  return { files, javascriptGzip };
}

export function formatSizes({ files, javascriptGzip }: WidgetBuild): string {
  const rows = files.map(
    (f) =>
      `${f.name.padEnd(10)} ${String(f.raw).padStart(7)} ${String(f.gzip).padStart(7)} ${String(f.brotli).padStart(7)}`,
  );
  return [
    'file          raw    gzip  brotli  (bytes)',
    ...rows,
    `loader + frame JavaScript: ${javascriptGzip} bytes gzipped, budget ${GZIP_BUDGET_BYTES}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildWidget();
  console.log(formatSizes(result));
  if (result.javascriptGzip > GZIP_BUDGET_BYTES) {
    console.error(`widget over budget by ${result.javascriptGzip - GZIP_BUDGET_BYTES} bytes gzipped`);
    process.exit(1);
  }
}
