/**
 * Splitting a scrape that runs several articles together (a page with an article, then the
 * next one, then a teaser of a third) into one text per article.
 */
import { extractOutletLine, isBoilerplateLine } from '../text/clean.js';
import { normalizeDocumentText } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';
import { isTitleLike } from './scrape.js';

/**
 * One raw text per article. An outlet or byline line ("Theo …", "(TTXVN/…)") closes an
 * article; what follows starts the next one, its first line being the headline. A later
 * article that has no headline line of its own (a teaser glued to its summary) gets its
 * headline split off its first sentence onto a line of its own; a one-paragraph teaser where
 * no headline can be found is dropped, as it is a fragment of an article not in the scrape.
 * Texts that hold nothing but boilerplate are dropped.
 */
export function splitScrape(raw: string): string[] {
  const segments: string[][] = [];
  let current: string[] = [];
  for (const line of normalizeDocumentText(raw).split('\n')) {
    current.push(line);
    if (extractOutletLine(line) !== null) {
      segments.push(current);
      current = [];
    }
  }
  segments.push(current);

  const articles: string[] = [];
  for (const [index, segment] of segments.entries()) {
    const content = segment.filter((line) => line !== '' && !isBoilerplateLine(line));
    if (content.length === 0 || content.every((line) => extractOutletLine(line) !== null)) continue;
    const first = content[0] ?? '';
    if (index === 0 || isTitleLike(first)) {
      articles.push(segment.join('\n').trim());
      continue;
    }
    const glued = splitGluedHeadline(first);
    if (glued) {
      const firstIndex = segment.indexOf(first);
      const lines = [...segment.slice(0, firstIndex), glued.title, glued.rest, ...segment.slice(firstIndex + 1)];
      articles.push(lines.join('\n').trim());
    } else if (!(content.length === 1 && isTeaser(first))) {
      articles.push(segment.join('\n').trim());
    }
  }
  return articles;
}

function isTeaser(line: string): boolean {
  return /(?:\.\.\.|…)$/u.test(line);
}

const wordCount = (text: string): number => text.split(/\s+/u).filter((w) => w !== '').length;

/**
 * Finds a headline glued to the text after it without punctuation ("… trên Biển Đông Hai bên
 * nhất trí …"). The join is a space before a capital that opens a sentence: the capitalised
 * word is followed by a lower-case one, unlike the words of a name ("Biển Đông"). Of such
 * places within the first sentence, the last that leaves a headline of 4+ words and a
 * sentence of 6+ words is taken. Without one, a short first sentence is the headline.
 */
export function splitGluedHeadline(line: string): { title: string; rest: string } | null {
  const first = splitSentences(line)[0];
  if (!first) return null;
  const sentence = line.slice(0, first.end);
  let best: number | null = null;
  for (const match of sentence.matchAll(/\s(?=\p{Lu}[\p{L}\p{N}]*\s+\p{Ll})/gu)) {
    const at = match.index;
    const title = sentence.slice(0, at).trim();
    if (title.length < 15 || title.length > 160 || wordCount(title) < 4 || /[,;:]$/u.test(title)) continue;
    if (wordCount(sentence.slice(at)) < 6) continue;
    best = at;
  }
  if (best !== null) {
    return { title: line.slice(0, best).trim(), rest: line.slice(best).trim() };
  }
  if (first.end < line.length && first.text.length <= 160) {
    return { title: first.text.replace(/\.$/u, ''), rest: line.slice(first.end).trim() };
  }
  return null;
}
