/** Widget options, read from the `<script>` tag's data attributes. */

export type Theme = 'light' | 'dark' | 'auto';
export type Position = 'bottom-right' | 'bottom-left';

export interface WidgetOptions {
  /** Origin (plus optional path prefix) of the API, without a trailing slash. */
  apiBase: string;
  title: string;
  theme: Theme;
  position: Position;
  startOpen: boolean;
  /** Full-page mode for the chat page: no launcher, the panel fills the window and can't be closed. */
  pageMode: boolean;
  maxChars: number;
}

export const DEFAULT_TITLE = 'Trợ lý tin tức';

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value !== 'false' && value !== '0' && value !== 'no';
}

/**
 * The API lives in the folder the script came from (so a server behind a path prefix works),
 * unless `data-api` says otherwise; the host page's origin is only a last resort (a script
 * inlined by a bundler has no src).
 */
export function resolveApiBase(scriptSrc: string | null, dataApi: string | undefined, pageHref: string): string {
  const base = dataApi ? new URL(dataApi, pageHref).href : scriptSrc ? new URL('.', new URL(scriptSrc, pageHref)).href : new URL(pageHref).origin;
  return base.replace(/\/+$/, '');
}

export function readOptions(
  dataset: Record<string, string | undefined>,
  scriptSrc: string | null,
  pageHref: string,
  defaultMaxChars: number,
): WidgetOptions {
  const theme = dataset.theme === 'dark' || dataset.theme === 'light' ? dataset.theme : dataset.theme === 'auto' ? 'auto' : 'light';
  const maxChars = Number(dataset.maxChars);
  return {
    apiBase: resolveApiBase(scriptSrc, dataset.api, pageHref),
    title: dataset.title?.trim() || DEFAULT_TITLE,
    theme,
    position: dataset.position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    startOpen: isTrue(dataset.open),
    pageMode: dataset.mode === 'page',
    maxChars: Number.isInteger(maxChars) && maxChars > 0 ? maxChars : defaultMaxChars,
  };
}
