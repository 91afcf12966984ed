// @ts-check
/**
 * `npm start`: runs the compiled server (dist/cli/serve.js) with node, building dist/ first when
 * it is missing or older than the sources and the build tools are installed. After
 * `npm ci --omit=dev` (no typescript, no esbuild) it serves the dist/ it was given.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SERVE_ENTRY, build, buildIsCurrent, canBuild } from './build.js';

if (!buildIsCurrent()) {
  if (canBuild()) {
    process.stderr.write('Building dist/ (missing or older than the sources) …\n');
    await build();
  } else if (fs.existsSync(SERVE_ENTRY)) {
    process.stderr.write('dist/ may be older than the sources, and the build tools are not installed: serving dist/ as it is.\n');
  } else {
    process.stderr.write('dist/ is missing and cannot be built here (no dev dependencies): run `npm ci && npm run build` first.\n');
    process.exit(1);
  }
}

// serve.js reads its arguments from process.argv and handles the signals itself.
await import(pathToFileURL(SERVE_ENTRY).href);
