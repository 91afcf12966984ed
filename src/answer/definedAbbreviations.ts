import { expandAbbreviations, makeAbbreviationExpander, type AbbreviationExpander } from '../text/abbreviations.js';

/**
 * Abbreviations an article defines for itself: "Viện Hòa bình và Hòa giải ASEAN (AIPR)". Read
 * from the passages at answer time (not at ingest: the search does not know them), they let the
 * answerer match "AIPR" in a question with the full name in a sentence, and answer "… viết tắt
 * là gì?" with the sentence that defines it.
 */

export interface DefinedAbbreviation {
  /** As written in the brackets: "AIPR". */
  short: string;
  /** The name before the brackets: "Viện Hòa bình và Hòa giải ASEAN". */
  name: string;
}

/** Capitalised words that open the name of an organisation, a programme, a treaty, … */
const NAME_HEADS = new Set([
  'Viện', 'Tổ', 'Hiệp', 'Ủy', 'Uỷ', 'Bộ', 'Liên', 'Chương', 'Quỹ', 'Trung', 'Hội', 'Diễn', 'Ngân', 'Cơ',
  'Công', 'Tập', 'Đại', 'Trường', 'Cục', 'Tổng', 'Sở', 'Ban', 'Văn', 'Mặt', 'Đảng', 'Lực', 'Chiến',
  'Cộng', 'Khu', 'Nhóm', 'Mạng', 'Sáng', 'Kế', 'Dự', 'Thỏa', 'Thoả', 'Tòa', 'Toà', 'Phòng',
]);
/** Lower-case words a name may contain between its capitalised ones. */
const NAME_LINKS = new Set(['và', 'của', 'về', 'các', 'vì', 'cho', 'tại', 'thế', 'giới']);
/** At most this many words between a name's head and the brackets. */
const MAX_NAME_WORDS = 12;

const DEFINITION = /\(\s*(\p{Lu}[\p{Lu}\p{N}&.-]{1,11})\s*\)/gu;
const WORD = /[\p{L}\p{M}\p{N}-]+/gu;

/** The name right before `end` in `text`: from the nearest name head, else the capitalised run. */
function nameBefore(text: string, end: number): string | null {
  const before = text.slice(Math.max(0, end - 200), end);
  const words = [...before.matchAll(WORD)].map((m) => m[0]);
  const tail = words.slice(-MAX_NAME_WORDS);
  for (let i = tail.length - 2; i >= 0; i--) {
    if (!NAME_HEADS.has(tail[i]!)) continue;
    // "Chương trình Phát triển Liên Hợp Quốc": a name can hold another head; reach back to an
    // earlier head while only capitalised words (each maybe with its second syllable) lie between.
    let start = i;
    for (let j = start - 1; j >= 0; j--) {
      const between = tail.slice(j + 1, start);
      const joined = between.every((w, k) => /^\p{Lu}/u.test(w) || (k === 0 ? true : /^\p{Lu}/u.test(between[k - 1]!)));
      if (!joined || between.some((w) => NAME_LINKS.has(w))) break;
      if (NAME_HEADS.has(tail[j]!)) start = j;
    }
    return tail.slice(start).join(' ');
  }
  // No head word: the run of capitalised words (and links inside it) that ends at the brackets.
  let i = tail.length;
  while (i > 0 && (/^\p{Lu}/u.test(tail[i - 1]!) || (NAME_LINKS.has(tail[i - 1]!) && i < tail.length))) i--;
  while (i < tail.length && !/^\p{Lu}/u.test(tail[i]!)) i++;
  const run = tail.slice(i);
  return run.length >= 2 ? run.join(' ') : null;
}

/** Every "Full Name (ABBR)" definition in a text. */
export function findDefinedAbbreviations(text: string): DefinedAbbreviation[] {
  const out: DefinedAbbreviation[] = [];
  for (const m of text.matchAll(DEFINITION)) {
    const short = m[1]!.replace(/[.-]+$/u, '');
    if (short.length < 2 || !/\p{Lu}.*\p{Lu}/u.test(short)) continue;
    const name = nameBefore(text, m.index);
    if (name === null || name.split(' ').length < 2) continue;
    if (!out.some((d) => d.short === short && d.name === name)) out.push({ short, name });
  }
  return out;
}

/** The built-in expander plus the definitions found in the passages at hand. */
export function expanderWith(definitions: readonly DefinedAbbreviation[]): AbbreviationExpander {
  if (definitions.length === 0) return expandAbbreviations;
  const local = makeAbbreviationExpander(definitions.map((d) => [d.short, d.name]));
  return (query) => [...new Set([...expandAbbreviations(query), ...local(query)])];
}
