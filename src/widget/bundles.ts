import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where `npm run build` writes the browser bundles, and how the server reads them back. Kept apart
 * from build.ts, which needs esbuild (a dev dependency): a production install serves these files.
 * The path is found from this file, the same from src/widget/ and dist/widget/.
 */
export const BUNDLE_DIR = path.resolve(import.meta.dirname, '../../dist/public');

export const BUNDLE_FILES = { widget: 'widget.js', articleView: 'article-view.js' } as const;

export type BundleName = keyof typeof BUNDLE_FILES;
export type Bundles = Record<BundleName, string>;

/** The prebuilt bundles, or undefined when any is missing (never built). */
export async function readPrebuiltBundles(dir: string = BUNDLE_DIR): Promise<Bundles | undefined> {
  try {
    const [widget, articleView] = await Promise.all(
      [BUNDLE_FILES.widget, BUNDLE_FILES.articleView].map((f) => fs.readFile(path.join(dir, f), 'utf8')),
    );
    return { widget: widget!, articleView: articleView! };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The widget with the server's MAX_MESSAGE_CHARS as its default limit. The bundle reads the free
 * name `__VNRAG_MAX_CHARS__` (2000 when it is not defined, as on a CDN); a function scope around
 * it defines the name without touching the embedding page's globals, so one prebuilt file serves
 * every configuration.
 */
export function withMessageLimit(widgetCode: string, maxMessageChars: number): string {
  return `(function(__VNRAG_MAX_CHARS__){\n${widgetCode}\n})(${maxMessageChars});\n`;
}
