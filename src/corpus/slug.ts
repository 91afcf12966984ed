import { foldDiacritics, normalizeVietnamese } from '../text/normalize.js';

/** An article id must be usable in a URL path as is: lower-case ASCII letters, digits, '-'. */
export const ARTICLE_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** URL-safe slug: Vietnamese diacritics folded (`Đường` → `duong`), anything else → '-'. */
export function slugify(text: string, maxLength = 80): string {
  const slug = foldDiacritics(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return truncateSlug(slug, maxLength);
}

/** Function words that make a headline slug long without making it more recognisable. */
const SLUG_STOPWORDS = new Set([
  'các', 'và', 'về', 'vì', 'của', 'trong', 'với', 'được', 'đã', 'những', 'là', 'cho', 'tại', 'ở',
  'từ', 'một', 'này', 'thì', 'sẽ', 'đang', 'khi', 'đến', 'như', 'theo', 'việc',
]);

/**
 * Readable id from a headline: its words without function words (matched with their
 * diacritics, so `đáng` is not taken for `đang`), cut at a word boundary.
 */
export function titleSlug(title: string, maxLength = 60): string {
  const words = normalizeVietnamese(title).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  const content = words.filter((w) => !SLUG_STOPWORDS.has(w));
  return slugify((content.length >= 2 ? content : words).join(' '), maxLength);
}

function truncateSlug(slug: string, maxLength: number): string {
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength + 1);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 0 ? cut.slice(0, lastDash) : slug.slice(0, maxLength)).replace(/-+$/g, '');
}
