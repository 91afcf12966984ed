// @ts-check
/**
 * `npm run build`: compiles the server and CLIs to dist/ (tsc -p tsconfig.build.json: ES modules
 * with source maps, dist/ mirroring src/) and writes the browser bundles to dist/public/ (esbuild,
 * src/widget/build.ts). A stamp file (dist/BUILD) marks a complete build: `npm start` rebuilds
 * when the sources are newer. Needs the dev dependencies (typescript, esbuild); running dist/
 * does not.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');
export const STAMP = path.join(DIST, 'BUILD');
export const SERVE_ENTRY = path.join(DIST, 'cli', 'serve.js');

/** What a build is made from: the sources (tests aside) and the files that configure tsc and npm. */
function sourceFiles() {
  /** @type {string[]} */
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(ROOT, f));
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'src'));
  return files;
}

/** True when dist/ holds a complete build at least as new as every source file. */
export function buildIsCurrent() {
  if (!fs.existsSync(STAMP) || !fs.existsSync(SERVE_ENTRY)) return false;
  const built = fs.statSync(STAMP).mtimeMs;
  return sourceFiles().every((f) => !fs.existsSync(f) || fs.statSync(f).mtimeMs <= built);
}

/** True when the build tools are installed (not so after `npm ci --omit=dev`). */
export function canBuild() {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('typescript/bin/tsc');
    require.resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

export async function build() {
  const started = Date.now();
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (compiled.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${compiled.status ?? compiled.signal})`);
  /** @type {{ writeBundles(): Promise<void> }} */
  const widget = await import(pathToFileURL(path.join(DIST, 'widget', 'build.js')).href);
  await widget.writeBundles();
  fs.writeFileSync(STAMP, `${JSON.stringify({ builtAt: new Date().toISOString(), node: process.version })}\n`);
  process.stderr.write(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}

// `node scripts/build.js [--if-stale]`: --if-stale keeps a dist/ that is current.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const skip = process.argv.includes('--if-stale') && buildIsCurrent();
  if (skip) process.stderr.write('dist/ is current.\n');
  (skip ? Promise.resolve() : build()).catch((err) => {
    process.stderr.write(`Build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
