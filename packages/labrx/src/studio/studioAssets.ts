import { createHash } from 'node:crypto';
import { LabrxError } from '@labrx/core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the studio serves. */
export interface StudioAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** The page's files, read once at start: our own page modules and uPlot from node_modules (no CDN). */
export interface StudioAssets {
  /** The page itself (served without the token; it holds no secret). */
  readonly page: Buffer;
  /** SHA-256 of the page's inline bootstrap script, for its Content-Security-Policy. */
  readonly bootstrapHash: string;
  /** Files under /assets/, by name (token required). */
  readonly files: ReadonlyMap<string, StudioAsset>;
}

const here = dirname(fileURLToPath(import.meta.url));
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

let cached: StudioAssets | undefined;

/** Loads the page and its assets (once per process). */
export function loadStudioAssets(): StudioAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const uplotDir = dirname(require.resolve('uplot/package.json'));
  const own = (name: string) => readFileSync(join(here, 'assets', name));
  const page = own('index.html');
  const script = /<script>([\s\S]*?)<\/script>/.exec(page.toString('utf8'))?.[1];
  if (script === undefined) throw new LabrxError('studio: index.html has no inline bootstrap <script>');
  const files = new Map<string, StudioAsset>([
    ['app.js', { contentType: JS, body: own('app.js') }],
    ['frames.js', { contentType: JS, body: own('frames.js') }],
    ['plots.js', { contentType: JS, body: own('plots.js') }],
    ['modules.js', { contentType: JS, body: own('modules.js') }],
    ['lockbox.js', { contentType: JS, body: own('lockbox.js') }],
    ['waterfall.js', { contentType: JS, body: own('waterfall.js') }],
    ['waterfallFrames.js', { contentType: JS, body: own('waterfallFrames.js') }],
    ['app.css', { contentType: CSS, body: own('app.css') }],
    ['uPlot.esm.js', { contentType: JS, body: readFileSync(join(uplotDir, 'dist', 'uPlot.esm.js')) }],
    ['uPlot.min.css', { contentType: CSS, body: readFileSync(join(uplotDir, 'dist', 'uPlot.min.css')) }],
  ]);
  cached = { page, bootstrapHash: createHash('sha256').update(script).digest('base64'), files };
  return cached;
}
