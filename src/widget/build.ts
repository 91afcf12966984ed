import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_DIR, BUNDLE_FILES } from './bundles.js';

/**
 * Bundles the browser code with esbuild: widget.js (the embeddable chat) and article-view.js (the
 * article page). `npm run build` (and `npm run build:widget`) writes them to dist/public/, where a
 * server started from dist/ reads them and a CDN can take them; a server run from the sources
 * (tsx, tests) builds them in memory at start-up instead, so it never serves a stale bundle.
 */

/** The sources are always src/widget/, also when this module runs compiled from dist/widget/. */
const WIDGET_SOURCES = path.resolve(import.meta.dirname, '../../src/widget');

export interface BundleResult {
  code: string;
  bytes: number;
  gzipBytes: number;
}

async function bundle(entry: string): Promise<BundleResult> {
  const result = await build({
    entryPoints: [path.join(WIDGET_SOURCES, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for src/widget/${entry}`);
  const code = file.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
}

/** The server's limit is set when it serves the file (bundles.ts, withMessageLimit), not here. */
export function buildWidget(): Promise<BundleResult> {
  return bundle('widget.ts');
}

export function buildArticleView(): Promise<BundleResult> {
  return bundle('articleView.ts');
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/** Writes both bundles to `outDir` (default dist/public/) and says how big they are. */
export async function writeBundles(outDir: string = BUNDLE_DIR): Promise<void> {
  await fs.mkdir(outDir, { recursive: true });
  for (const [name, result] of [
    [BUNDLE_FILES.widget, await buildWidget()],
    [BUNDLE_FILES.articleView, await buildArticleView()],
  ] as const) {
    await fs.writeFile(path.join(outDir, name), result.code);
    console.log(`${path.relative(process.cwd(), path.join(outDir, name))}: ${kb(result.bytes)} raw, ${kb(result.gzipBytes)} gzip`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeBundles().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
