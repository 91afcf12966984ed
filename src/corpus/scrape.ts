/**
 * Reading one raw scrape (a `.txt` file, a JSONL `text`, a Markdown body without front matter):
 * headline, outlet, dateline and cleaned body.
 */
import {
  cleanNormalizedLines,
  extractDateline,
  extractOutletLine,
  isBoilerplateLine,
} from '../text/clean.js';
import { normalizeDocumentText } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';

export interface ParsedScrape {
  title: string;
  /** False when no line looked like a headline and the title was cut from the first sentence. */
  titleFromHeadline: boolean;
  outlet: string | null;
  publishedAt: string | null;
  body: string;
}

const MAX_TITLE_CHARS = 200;

/**
 * A headline is a short line that does not end like a sentence. Body paragraphs end in a full
 * stop; headlines in Vietnamese news do not (they may end in "?" or "!").
 */
export function isTitleLike(line: string): boolean {
  const text = line.trim();
  return (
    text.length > 0 &&
    text.length <= MAX_TITLE_CHARS &&
    /\p{L}/u.test(text) &&
    !/[.,;:…]$/u.test(text)
  );
}

/**
 * Headline, metadata and cleaned body of one scraped article. The headline is the first line
 * that is not a dateline, outlet or boilerplate, if it looks like one ("# " of Markdown
 * headings is dropped); otherwise the article has no headline line and the title is made from
 * its first sentence, which stays in the body.
 */
export function parseScrape(raw: string): ParsedScrape {
  const lines = normalizeDocumentText(raw).split('\n');
  const headlineIndex = lines.findIndex(
    (line) =>
      line !== '' &&
      extractDateline(line) === null &&
      extractOutletLine(line) === null &&
      !isBoilerplateLine(line),
  );
  const candidate = headlineIndex >= 0 ? stripHeading(lines[headlineIndex] ?? '') : '';
  if (candidate !== '' && isTitleLike(candidate)) {
    const rest = lines.filter((_, i) => i !== headlineIndex);
    const cleaned = cleanNormalizedLines(rest, { title: candidate });
    return { title: candidate, titleFromHeadline: true, ...cleaned };
  }
  const cleaned = cleanNormalizedLines(lines);
  return { title: titleFromFirstSentence(cleaned.body), titleFromHeadline: false, ...cleaned };
}

function stripHeading(line: string): string {
  return line.replace(/^#{1,6}\s+/u, '').trim();
}

/** A stand-in headline: the first sentence, shortened at a word boundary when long. */
export function titleFromFirstSentence(body: string, maxChars = 120): string {
  const first = splitSentences(body)[0]?.text ?? '';
  if (first.length <= maxChars) return first.replace(/[.]$/u, '');
  const cut = first.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : cut).replace(/[,;:\s]+$/u, '')}…`;
}
