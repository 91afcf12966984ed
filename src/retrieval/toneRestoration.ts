import { BIGRAM_JOINER } from '../text/tokenize.js';
import { foldDiacritics, hasDiacritics } from '../text/normalize.js';
import { tonedVariants } from '../text/toneVariants.js';

/**
 * Puts the diacritics back into a question typed without them, for the embedding model, which
 * reads "lap quan he" as other words than "lập quan hệ" (dense recall@5 on XQuAD-vi: 0.85 toned,
 * 0.20 stripped). The archive itself is the dictionary: of the spellings a syllable may stand for,
 * those the index holds, chosen together so that adjacent syllables form the two-syllable words
 * the archive uses most (its bigram terms) — "hop quoc" → "hợp quốc", not "hộp quốc".
 */

/** Inverse document frequencies of index terms, as the store reports them (absent terms get the largest). */
export type TermIdf = (terms: readonly string[]) => Promise<Map<string, number>>;

/** Spellings kept per syllable, the commonest first: the rest never win against them. */
const CANDIDATES_PER_SYLLABLE = 4;
/**
 * How much more a two-syllable word counts than a syllable: "cơ chế" must beat the far commoner
 * "có" before "chế". Fitted on ViQuAD-test questions 601–800 typed without diacritics (words
 * restored right: 0.924 at 1, 0.931 at 2, 0.934 at 3).
 */
const BIGRAM_WEIGHT = 2;
/** A term no index holds: its idf is what "absent" scores. */
const ABSENT_TERM = '\u0000';
const WORD = /[\p{L}\p{M}]+/gu;
const ONLY_SPACES = /^[ \t]*$/;

/**
 * Question words, spelt as a question spells them. News seldom writes them, so the archive is a
 * poor dictionary for them ("bao nhieu" came back as "bao nhiều", "nhiều" being so common), and
 * a question word restored wrong loses what the question asks. Only phrases without another
 * reading ("nam nao" may be "Việt Nam nào") are pinned.
 */
const QUESTION_PHRASES: ReadonlyMap<string, readonly string[]> = new Map(
  [
    'bao nhiêu', 'bao lâu', 'bao giờ', 'khi nào', 'lúc nào', 'ở đâu', 'tại đâu', 'vì sao', 'tại sao', 'thế nào',
    'là gì', 'là ai', 'những ai', 'mấy giờ', 'ngày nào', 'tháng nào', 'nơi nào', 'người nào', 'để làm gì', 'tên gì',
    'thì sao', 'thế còn', 'vậy còn', 'ra sao',
  ].map((phrase) => [foldDiacritics(phrase), phrase.split(' ')]),
);

/**
 * A question's last word pointing back ("nghiên cứu đó?", "phát hiện này?"): news writes "do"
 * (because) and "nay" (now) far more often, but neither ends a question, except "nay" in "hiện
 * nay", "đến nay" and the like.
 */
const CLOSING_POINTERS: ReadonlyMap<string, string> = new Map([['do', 'đó'], ['nay', 'này'], ['kia', 'kia']]);
/** Words before which a closing "nay" means now: "hôm nay", "hiện nay", "đến nay", "xưa nay". */
const NOW_BEFORE_NAY = new Set(['hom', 'nam', 'hien', 'bay', 'luc', 'dao', 'gio', 'sang', 'toi', 'chieu', 'dem', 'trua',
  'tuan', 'thang', 'ngay', 'den', 'xua', 'tu', 'truoc', 'ke', 'moi']);
/** "phát hiện này", "thực hiện này": a word ending in "hiện" before a closing "nay" is not "hiện nay". */
const ENDS_IN_HIEN = new Set(['phat', 'thuc', 'xuat', 'the', 'bieu']);
/** Words before which a closing "do" is the cause it introduces: "là do", "vì do". */
const CAUSE_BEFORE_DO = new Set(['la', 'vi', 'boi']);
/** A question opening with "ai" asks who: "ai của viện …", not "ái". */
const OPENING_QUESTION_WORDS: ReadonlyMap<string, string> = new Map([['ai', 'ai']]);
const LONGEST_QUESTION_PHRASE = Math.max(...[...QUESTION_PHRASES.keys()].map((k) => k.split(' ').length));

/** For each word of the query, its pinned spelling when it is part of a question phrase. */
function pinnedQuestionWords(words: readonly string[]): (string | undefined)[] {
  const folded = words.map((w) => (hasDiacritics(w) ? null : foldDiacritics(w.toLowerCase())));
  const pinned: (string | undefined)[] = words.map(() => undefined);
  for (let i = 0; i < words.length; i++) {
    for (let n = LONGEST_QUESTION_PHRASE; n >= 2; n--) {
      const part = folded.slice(i, i + n);
      if (part.length < n || part.some((w) => w === null)) continue;
      const spelt = QUESTION_PHRASES.get(part.join(' '));
      if (!spelt) continue;
      spelt.forEach((w, k) => (pinned[i + k] = w));
      i += n - 1;
      break;
    }
  }
  const last = folded.length - 1;
  const closing = CLOSING_POINTERS.get(folded[last] ?? '');
  const before = folded[last - 1] ?? '';
  const meansNow = folded[last] === 'nay' && NOW_BEFORE_NAY.has(before) && !(before === 'hien' && ENDS_IN_HIEN.has(folded[last - 2] ?? ''));
  const givesCause = folded[last] === 'do' && CAUSE_BEFORE_DO.has(before);
  if (closing && last > 0 && pinned[last] === undefined && !meansNow && !givesCause) pinned[last] = closing;
  const opening = OPENING_QUESTION_WORDS.get(folded[0] ?? '');
  if (opening && pinned[0] === undefined) pinned[0] = opening;
  return pinned;
}

interface Slot {
  /** Where the word is in the query. */
  start: number;
  end: number;
  candidates: string[];
  /** Whether it forms a two-syllable word with the previous one (only spaces between). */
  joinsPrevious: boolean;
}

/** The restored word written as the original was: a word left as it was keeps its case ("OSCE"), a capital stays. */
function capitalizedLike(original: string, restored: string): string {
  if (restored === original.toLowerCase()) return original;
  const first = original[0] ?? '';
  return first !== first.toLowerCase() ? restored.charAt(0).toUpperCase() + restored.slice(1) : restored;
}

/**
 * The query with each toneless syllable replaced by its likeliest spelling in the archive (the
 * best path over unigram and bigram frequencies); words typed with diacritics, and words the
 * archive never spells otherwise, stay as typed.
 */
export async function restoreTones(query: string, termIdf: TermIdf): Promise<string> {
  const matches = [...query.matchAll(WORD)];
  if (matches.length === 0) return query;
  // A pinned question word is the one candidate of its slot: the archive need not be asked about it.
  const pinned = pinnedQuestionWords(matches.map((m) => m[0]));
  const variants = matches.map((m, i) => {
    if (pinned[i] !== undefined) return [];
    const word = m[0].toLowerCase();
    return hasDiacritics(word) ? [word] : tonedVariants(foldDiacritics(word));
  });
  const unigramIdf = await termIdf([ABSENT_TERM, ...new Set(variants.flat())]);
  const absent = unigramIdf.get(ABSENT_TERM) ?? Infinity;
  const idfOf = (idf: ReadonlyMap<string, number>, term: string) => idf.get(term) ?? absent;
  const slots: Slot[] = matches.map((m, i) => {
    const pin = pinned[i];
    const held = pin !== undefined ? [pin] : variants[i]!.filter((v) => idfOf(unigramIdf, v) < absent).sort((a, b) => idfOf(unigramIdf, a) - idfOf(unigramIdf, b));
    const previous = matches[i - 1];
    return {
      start: m.index,
      end: m.index + m[0].length,
      candidates: held.length > 0 ? held.slice(0, CANDIDATES_PER_SYLLABLE) : [m[0].toLowerCase()],
      joinsPrevious: previous !== undefined && ONLY_SPACES.test(query.slice(previous.index + previous[0].length, m.index)),
    };
  });
  const bigrams = new Set<string>();
  slots.forEach((s, i) => {
    const before = slots[i - 1];
    if (!s.joinsPrevious || !before) return;
    for (const a of before.candidates) for (const b of s.candidates) bigrams.add(`${a}${BIGRAM_JOINER}${b}`);
  });
  const bigramIdf = await termIdf([...bigrams]);
  const chosen = bestPath(slots, (t) => idfOf(unigramIdf, t), (t) => idfOf(bigramIdf, t));
  let out = '';
  let at = 0;
  slots.forEach((s, i) => {
    out += query.slice(at, s.start) + capitalizedLike(query.slice(s.start, s.end), chosen[i]!);
    at = s.end;
  });
  return out + query.slice(at);
}

/**
 * Viterbi over the slots: a path scores minus the idf of each syllable and `BIGRAM_WEIGHT` times
 * that of each bigram it forms (idf ≈ log of the archive's size over the term's frequency).
 */
function bestPath(slots: readonly Slot[], unigramIdf: (t: string) => number, bigramIdf: (t: string) => number): string[] {
  let scores = slots[0]!.candidates.map((c) => -unigramIdf(c));
  const back: number[][] = [];
  for (let i = 1; i < slots.length; i++) {
    const slot = slots[i]!;
    const previous = slots[i - 1]!;
    const next: number[] = [];
    const from: number[] = [];
    for (const c of slot.candidates) {
      let best = -Infinity;
      let arg = 0;
      previous.candidates.forEach((p, j) => {
        const s = scores[j]! - (slot.joinsPrevious ? BIGRAM_WEIGHT * bigramIdf(`${p}${BIGRAM_JOINER}${c}`) : 0);
        if (s > best) {
          best = s;
          arg = j;
        }
      });
      next.push(best - unigramIdf(c));
      from.push(arg);
    }
    scores = next;
    back.push(from);
  }
  let k = scores.indexOf(Math.max(...scores));
  const path: string[] = [];
  for (let i = slots.length - 1; i >= 0; i--) {
    path.unshift(slots[i]!.candidates[k]!);
    if (i > 0) k = back[i - 1]![k]!;
  }
  return path;
}
