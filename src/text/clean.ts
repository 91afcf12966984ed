/**
 * Cleaning of scraped Vietnamese news bodies: normalisation, removal of page furniture and
 * repeated paragraphs, and extraction of the outlet and dateline lines that scrapes mix into
 * the text. The same cleaning applies to every source (curated Markdown, raw scrapes, JSONL),
 * so an article has the same text however it entered the corpus.
 */
import { normalizeDocumentText } from './normalize.js';

/**
 * Version of the text that normalisation and cleaning produce. Bump it whenever their output
 * changes: chunk offsets in an existing index would no longer match the articles.
 */
export const NORMALIZATION_VERSION = 1;

export interface CleanOptions {
  /** The headline: a body line that only repeats it is dropped. */
  title?: string | null;
}

export interface CleanedArticle {
  /** Cleaned body, paragraphs separated by a blank line. */
  body: string;
  /** Outlet named by an outlet line ("(TTXVN/Vietnam+)", "Theo VOV"), the last one if several. */
  outlet: string | null;
  /** ISO date or date-time from the first dateline ("11:57 30/10/2020"). */
  publishedAt: string | null;
}

/** Cleaned body only; see {@link cleanArticle}. */
export function cleanArticleBody(raw: string, options: CleanOptions = {}): string {
  return cleanArticle(raw, options).body;
}

/**
 * Normalises the text, takes out outlet and dateline lines (returning what they say), drops
 * boilerplate, photo captions, blank lines and repeated paragraphs, and strips the TTXVN end
 * mark "/.". Paragraphs come out separated by one blank line.
 */
export function cleanArticle(raw: string, options: CleanOptions = {}): CleanedArticle {
  return cleanNormalizedLines(normalizeDocumentText(raw).split('\n'), options);
}

/** {@link cleanArticle} on lines of text that went through `normalizeDocumentText` already. */
export function cleanNormalizedLines(lines: readonly string[], options: CleanOptions = {}): CleanedArticle {
  const title = options.title ? normalizeLine(options.title) : null;
  let outlet: string | null = null;
  let publishedAt: string | null = null;
  const kept: string[] = [];
  const seen = new Set<string>();

  for (const rawLine of lines) {
    let line = stripEndMark(rawLine.trim());
    if (line === '') continue;
    const date = extractDateline(line);
    if (date !== null) {
      publishedAt ??= date;
      continue;
    }
    const lineOutlet = extractOutletLine(line);
    if (lineOutlet !== null) {
      outlet = lineOutlet;
      continue;
    }
    if (isBoilerplateLine(line) || isPhotoCaption(line, title)) continue;
    line = stripInlineCredits(line);
    if (line === '' || line === title) continue;
    if (seen.has(line) || repeatsEarlierParagraph(line, kept)) continue;
    seen.add(line);
    kept.push(line);
  }
  return { body: kept.join('\n\n'), outlet, publishedAt };
}

function normalizeLine(text: string): string {
  return normalizeDocumentText(text).replace(/\s+/g, ' ');
}

/**
 * A sentence that scrapes repeat on a line of its own (a pull quote, a lead shown twice) after
 * the paragraph that holds it. Short lines are exempt: they may legitimately recur.
 */
function repeatsEarlierParagraph(line: string, kept: readonly string[]): boolean {
  if (line.length < 40 || !/[.!?…"”]$/u.test(line)) return false;
  return kept.some((paragraph) => paragraph.length > line.length && paragraph.includes(line));
}

/** "…khu vực./." → "…khu vực."; "…xong /." → "…xong.". The mark only ever ends a paragraph. */
export function stripEndMark(line: string): string {
  if (!line.trimEnd().endsWith('/.')) return line;
  const match = /\s*\/\.\s*$/u.exec(line);
  if (!match) return line;
  const before = line.slice(0, match.index).trimEnd();
  if (before === '') return '';
  return /[.!?…"”)]$/u.test(before) ? before : `${before}.`;
}

const BOILERPLATE_LINES: readonly RegExp[] = [
  /^video đang hot$/iu,
  /^(?:các )?(?:tin|bài(?: viết)?) (?:cùng chuyên mục|liên quan|khác|mới nhất|đọc nhiều|xem nhiều|nổi bật|mới)\s*:?$/iu,
  /^(?:>>\s*)?(?:xem thêm|đọc thêm|xem tiếp|mời xem)(?:\s*(?::|>>).*)?$/iu,
  /^(?:gửi |viết |xem )?bình luận(?:\s*\(\d+\))?\s*:?$/iu,
  /^ý kiến (?:bạn đọc|của bạn)\s*:?$/iu,
  /^\(?(?:ảnh|nguồn|photo|video|clip|đồ họa|đồ hoạ|infographic)\s*:\s*[^()]{1,100}\)?\.?$/iu,
  /^\(?ảnh(?: minh họa| minh hoạ| tư liệu)(?:\s*:[^()]{0,80})?\)?\.?$/iu,
  /^(?:quảng cáo|advertisement|loading\.*|đang tải\.*)$/iu,
  /^(?:về đầu trang|lên đầu trang|quay lại|trở về|trang chủ)$/iu,
];

/** Share and print widgets; a line made only of these (and separators) is page furniture. */
const WIDGET_WORDS =
  /chia sẻ(?: bài viết)?|share|in bài(?: viết)?|bản in|in trang|gửi bài(?: viết)?|gửi email|gửi cho bạn bè|e-?mail|tweet|like|facebook|twitter|zalo|copy link|sao chép (?:link|liên kết)|lưu bài(?: viết)?|lưu|print|theo dõi|google news|tải về|font chữ|cỡ chữ|a\+|a-/giu;

/** True for a line that is page furniture rather than article text. */
export function isBoilerplateLine(line: string): boolean {
  const text = line.trim();
  if (text === '') return true;
  if (BOILERPLATE_LINES.some((re) => re.test(text))) return true;
  if (text.length <= 80) {
    const rest = text.toLowerCase().replace(WIDGET_WORDS, '');
    if (rest !== text.toLowerCase() && /^[\s\p{P}\p{S}\p{N}]*$/u.test(rest)) return true;
  }
  return false;
}

/** A photo credit at the end of a line: "(Ảnh: Thu Loan)", "Ảnh: TTXVN". */
const TRAILING_PHOTO_CREDIT = /\s*\((?:ảnh|photo|nguồn ảnh)\s*:[^()]{1,80}\)\.?$|(?<=[.!?…])\s+ảnh\s*:\s*[^.()]{1,60}$/iu;
/** A web source given as a photo credit: "(Nguồn: eyeradio.org)". */
const DOMAIN_CREDIT = /\s*\(nguồn\s*:\s*[\w.-]+\.[a-z]{2,}(?:\/\S*)?\)\.?/giu;
/** "ảnh 1" glued before a caption, as image galleries are scraped: "… hòa giải ảnh 1Tổng thư ký …". */
const GALLERY_MARK = /(?<![\p{L}\p{N}])ảnh \d{1,2}(?=\p{Lu})/u;

/**
 * An image caption rather than text: a line with the gallery mark "ảnh 1", a line that starts
 * by repeating the headline and goes on, or a short line ending in a photo credit.
 */
export function isPhotoCaption(line: string, title: string | null = null): boolean {
  if (GALLERY_MARK.test(line)) return true;
  if (title && title.length >= 20 && line.length > title.length && line.startsWith(title)) {
    const rest = line.slice(title.length);
    if (/^\s*ảnh\b/iu.test(rest) || /^\p{Lu}/u.test(rest)) return true;
  }
  return line.length < 300 && mayHaveCredit(line) && TRAILING_PHOTO_CREDIT.test(line);
}

/** Cheap test before the credit patterns, which are slow on long paragraphs. */
function mayHaveCredit(line: string): boolean {
  return /ảnh|photo|nguồn/iu.test(line);
}

/** Removes photo and web-source credits from within a paragraph. */
function stripInlineCredits(line: string): string {
  if (!mayHaveCredit(line)) return line;
  return line.replace(DOMAIN_CREDIT, '').replace(TRAILING_PHOTO_CREDIT, '').trim();
}

/** Words that are part of an outlet's description, not its name ("Theo báo Tuổi Trẻ"). */
const OUTLET_PREFIX = /^(?:báo|trang|tạp chí|đài|hãng|hãng tin|thông tấn xã|kênh|cổng thông tin)\s+/iu;
/** Parenthesised lines that look like a name but close a part of a series. */
const NOT_OUTLETS = /^(?:hết|còn nữa|tiếp theo|kỳ \d+|\d+)$/iu;
const OUTLET_NAME = /^[\p{Lu}\p{N}][\p{L}\p{N}+.&'’\-/ ]*$/u;

/**
 * The outlet named by a source line, or null when the line is not one. "(TTXVN/Vietnam+)" →
 * "TTXVN/Vietnam+"; "Theo VOV" → "VOV"; "Theo Trần Khánh/VOV.VN" → "VOV" (the author before
 * the slash and the domain suffix are left out); "Theo TPO" → "TPO".
 */
export function extractOutletLine(line: string): string | null {
  const text = line.trim().replace(/\.$/u, '');
  if (text.length > 80) return null;

  const parenthesised = /^\(([^()]{2,60})\)$/u.exec(text);
  if (parenthesised) {
    const inner = (parenthesised[1] ?? '').trim();
    if (/^(?:theo|nguồn)\b/iu.test(inner)) return extractOutletLine(inner);
    if (NOT_OUTLETS.test(inner) || !OUTLET_NAME.test(inner)) return null;
    const words = inner.split(/\s+/u);
    if (words.length > 5 || !words.every((w) => /^[\p{Lu}\p{N}]/u.test(w))) return null;
    return inner;
  }

  const attributed = /^(?:theo|nguồn\s*:)\s+(.+)$/iu.exec(text);
  if (!attributed) return null;
  let name = (attributed[1] ?? '').trim().replace(OUTLET_PREFIX, '');
  if (/[,;:!?…"“”]/u.test(name)) return null;
  if (name.includes('/')) name = name.slice(name.lastIndexOf('/') + 1).trim();
  name = name.replace(/\.(?:com\.vn|vn|com|net|org)$/iu, '');
  const words = name.split(/\s+/u);
  if (name === '' || words.length > 5 || !OUTLET_NAME.test(name)) return null;
  return name;
}

const WEEKDAY = /^(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn)\s*[,\-–]?\s*/iu;
const DATELINE_LEAD = /^(?:cập nhật|đăng|ngày đăng|xuất bản|ngày)(?:\s*lúc|\s*ngày)?\s*:?\s*/iu;
const TIMEZONE = /\s*\(?(?:GMT|UTC)\s*[+-]\s*\d{1,2}\)?$/iu;
const SEP = String.raw`\s*(?:[,\-–|]\s*)?`;
const DATE = String.raw`(?:ngày\s*)?(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})`;
const TIME = String.raw`(?:lúc\s*)?(\d{1,2})[:hg](\d{2})(?::\d{2})?`;
const TIME_THEN_DATE = new RegExp(`^${TIME}${SEP}${DATE}$`, 'iu');
const DATE_THEN_TIME = new RegExp(`^${DATE}${SEP}${TIME}$`, 'iu');
const DATE_ONLY = new RegExp(`^${DATE}$`, 'iu');

/**
 * The publication date of a dateline, as ISO ("11:57 30/10/2020" → "2020-10-30T11:57",
 * "01:11, 24/11/2020" → "2020-11-24T01:11", "24/11/2020" → "2020-11-24"), or null when the
 * line is anything else. No time zone is invented, and a date without a year is not a dateline.
 */
export function extractDateline(line: string): string | null {
  let text = line.trim();
  if (text.length > 60) return null;
  text = text.replace(DATELINE_LEAD, '').replace(WEEKDAY, '').replace(TIMEZONE, '').trim();
  text = text.replace(/[,\-–|]\s*$/u, '').trim();

  let m = TIME_THEN_DATE.exec(text);
  if (m) return isoDate(m[5], m[4], m[3], m[1], m[2]);
  m = DATE_THEN_TIME.exec(text);
  if (m) return isoDate(m[3], m[2], m[1], m[4], m[5]);
  m = DATE_ONLY.exec(text);
  if (m) return isoDate(m[3], m[2], m[1]);
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/u.exec(text);
  if (m) return isoDate(m[1], m[2], m[3], m[4], m[5]);
  return null;
}

function isoDate(
  year?: string,
  month?: string,
  day?: string,
  hour?: string,
  minute?: string,
): string | null {
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (!Number.isInteger(y) || y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (hour === undefined || minute === undefined) return date;
  const h = Number(hour);
  const mi = Number(minute);
  if (h > 23 || mi > 59) return null;
  return `${date}T${pad(h)}:${pad(mi)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
