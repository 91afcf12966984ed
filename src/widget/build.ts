import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Bundles the browser code in memory with esbuild: widget.js (the embeddable chat) and
 * article-view.js (the article page). The server builds once at start-up; `npm run build:widget`
 * writes dist/ for hosting on a CDN.
 */

const WIDGET_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface BundleResult {
  code: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuildOptions {
  /** Default client-side length limit; the server passes its MAX_MESSAGE_CHARS. */
  maxMessageChars?: number;
}

async function bundle(entry: string, define: Record<string, string> = {}): Promise<BundleResult> {
  const result = await build({
    entryPoints: [path.join(WIDGET_DIR, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    define,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for src/widget/${entry}`);
  const code = file.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
}

export function buildWidget(opts: BuildOptions = {}): Promise<BundleResult> {
  const define: Record<string, string> = {};
  if (opts.maxMessageChars !== undefined) define.__VNRAG_MAX_CHARS__ = String(opts.maxMessageChars);
  return bundle('widget.ts', define);
}

export function buildArticleView(): Promise<BundleResult> {
  return bundle('articleView.ts');
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const outDir = path.resolve(WIDGET_DIR, '../../dist');
  await fs.mkdir(outDir, { recursive: true });
  for (const [name, result] of [
    ['widget.js', await buildWidget()],
    ['article-view.js', await buildArticleView()],
  ] as const) {
    await fs.writeFile(path.join(outDir, name), result.code);
    console.log(`dist/${name}: ${kb(result.bytes)} raw, ${kb(result.gzipBytes)} gzip`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
