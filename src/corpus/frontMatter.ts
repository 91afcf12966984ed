/**
 * YAML front matter of curated Markdown articles: splitting it off the body and validating it.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ARTICLE_ID_PATTERN } from './slug.js';

export const ISO_DATE_HINT = 'YYYY-MM-DD or YYYY-MM-DDTHH:MM';

/** `YYYY-MM-DD`, optionally with `THH:MM[:SS[.sss]]` and a zone; the date must exist. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$/.exec(
    value,
  );
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

export const FRONT_MATTER_FIELDS = ['id', 'title', 'outlet', 'publishedAt', 'url', 'originalFile', 'section'] as const;

export const frontMatterSchema = z.strictObject({
  id: text('text')
    .regex(ARTICLE_ID_PATTERN, { error: "must use only lower-case ASCII letters, digits and '-' (e.g. un-asean-2020)" })
    .optional(),
  title: text('text').trim().min(1, { error: 'must not be empty' }),
  outlet: text('text or null').trim().min(1, { error: 'must not be empty (use null)' }).nullable().optional(),
  publishedAt: text(`an ISO date (${ISO_DATE_HINT}) or null`)
    .refine(isIsoDate, { error: `must be an ISO date (${ISO_DATE_HINT})` })
    .nullable()
    .optional(),
  url: z.url({ error: 'must be a URL (https://…) or null' }).nullable().optional(),
  originalFile: text('a path or null').nullable().optional(),
  section: text('text or null').trim().min(1, { error: 'must not be empty (use null)' }).nullable().optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export type FrontMatterResult =
  | { ok: true; frontMatter: FrontMatter; body: string }
  | { ok: false; message: string };

/** True when the text opens with a front matter fence. */
export function hasFrontMatter(source: string): boolean {
  return /^---[ \t]*\r?\n/.test(source);
}

/** Splits `---\n<yaml>\n---\n<body>` and validates the YAML; messages name the field at fault. */
export function parseFrontMatter(source: string): FrontMatterResult {
  const open = /^---[ \t]*\r?\n/.exec(source);
  if (!open) return { ok: false, message: 'front matter: missing; start the file with a line "---"' };
  const rest = source.slice(open[0].length);
  const close = /^(?:---|\.\.\.)[ \t]*$/m.exec(rest);
  if (!close) return { ok: false, message: 'front matter: not closed; end it with a line "---"' };
  const yamlText = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length).replace(/^\r?\n/, '');

  let data: unknown;
  try {
    data = parseYaml(yamlText) ?? {};
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { ok: false, message: `front matter: invalid YAML: ${detail}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, message: 'front matter: must be a YAML mapping of fields (title: …)' };
  }
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      return {
        ok: false,
        message: `front matter: unknown field ${issue.keys.join(', ')}; allowed: ${FRONT_MATTER_FIELDS.join(', ')}`,
      };
    }
    const where = issue?.path.join('.') || 'front matter';
    return { ok: false, message: `front matter: ${where} ${issue?.message ?? 'is invalid'}` };
  }
  return { ok: true, frontMatter: parsed.data, body };
}
