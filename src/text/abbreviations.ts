import { foldDiacritics } from './normalize.js';
import { isTonedQuery, splitPhrases } from './tokenize.js';

/**
 * Equivalent names in Vietnamese news: abbreviations and their full forms, and common
 * alternative names. Each group lists forms that mean the same thing; a query naming any of
 * them is expanded with the others (both ways: "LHQ" finds "Liên Hợp Quốc" and vice versa).
 * Data only: add a row to teach the search a new abbreviation.
 */
export const ABBREVIATION_GROUPS: ReadonlyArray<readonly string[]> = [
  ['LHQ', 'Liên Hợp Quốc', 'Liên Hiệp Quốc'],
  ['TTXVN', 'Thông tấn xã Việt Nam'],
  ['ĐHĐ', 'Đại hội đồng'],
  ['HĐBA', 'Hội đồng Bảo an'],
  ['UNDP', 'Chương trình Phát triển Liên Hợp Quốc'],
  ['TP.HCM', 'TPHCM', 'TP HCM', 'Thành phố Hồ Chí Minh'],
  ['VN', 'Việt Nam'],
  ['TQ', 'Trung Quốc'],
  ['Mỹ', 'Hoa Kỳ'],
  ['BCA', 'Bộ Công an'],
  ['BQP', 'Bộ Quốc phòng'],
  ['BNG', 'Bộ Ngoại giao'],
  ['TTg', 'Thủ tướng'],
  ['UBND', 'Ủy ban nhân dân'],
  ['QH', 'Quốc hội'],
  ['ASEAN', 'Hiệp hội các quốc gia Đông Nam Á'],
  ['EU', 'Liên minh châu Âu'],
  ['OSCE', 'Tổ chức An ninh và Hợp tác châu Âu'],
  ['WHO', 'Tổ chức Y tế Thế giới'],
  ['WTO', 'Tổ chức Thương mại Thế giới'],
  ['HN', 'Hà Nội'],
];

interface CompiledForm {
  text: string;
  exact: string[];
  folded: string[];
}

function syllablesOf(text: string): string[] {
  return splitPhrases(text).flatMap((p) => p.syllables);
}

function compile(groups: ReadonlyArray<readonly string[]>): CompiledForm[][] {
  return groups.map((g) =>
    g.map((text) => {
      const exact = syllablesOf(text);
      return { text, exact, folded: exact.map((s) => foldDiacritics(s)) };
    }),
  );
}

/** The built-in table, compiled once: every query and every answer consults it. */
const BUILT_IN = compile(ABBREVIATION_GROUPS);

const compiledFor = (groups: ReadonlyArray<readonly string[]>) => (groups === ABBREVIATION_GROUPS ? BUILT_IN : compile(groups));

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

export type AbbreviationExpander = (query: string) => string[];

export interface AbbreviationMatch {
  /** Folded syllables of the form found in the query (`["lhq"]`). */
  matched: string[];
  /** Folded syllables of each other form of the group (`[["lien","hop","quoc"], …]`). */
  alternatives: string[][];
}

/**
 * Builds an expander over a table of equivalence groups. It returns the other forms of every
 * group the query mentions (matched on whole syllables, within one phrase; on folded syllables
 * when the query was typed without accents), never the forms already in the query.
 */
export function makeAbbreviationExpander(
  groups: ReadonlyArray<readonly string[]> = ABBREVIATION_GROUPS,
): AbbreviationExpander {
  const compiled = compiledFor(groups);
  return (query) => {
    const phrases = splitPhrases(query);
    const toned = isTonedQuery(phrases);
    const seqs = phrases.map((p) => {
      // "TP.HCM" and "covid-19" are split into syllables already; compounds add nothing here.
      return toned ? p.syllables : p.syllables.map((s) => foldDiacritics(s));
    });
    const found = (form: CompiledForm) =>
      seqs.some((seq) => containsSequence(seq, toned ? form.exact : form.folded));
    const out: string[] = [];
    for (const group of compiled) {
      const present = group.filter(found);
      if (present.length === 0) continue;
      for (const form of group) {
        if (!present.includes(form) && !out.includes(form.text)) out.push(form.text);
      }
    }
    return out;
  };
}

/**
 * The groups a query mentions, as folded syllables, so that coverage can count "LHQ" as present
 * in a passage that says "Liên Hợp Quốc".
 */
export function findAbbreviations(
  query: string,
  groups: ReadonlyArray<readonly string[]> = ABBREVIATION_GROUPS,
): AbbreviationMatch[] {
  const phrases = splitPhrases(query);
  const toned = isTonedQuery(phrases);
  const seqs = phrases.map((p) => (toned ? p.syllables : p.syllables.map((s) => foldDiacritics(s))));
  const out: AbbreviationMatch[] = [];
  for (const group of compiledFor(groups)) {
    for (const form of group) {
      if (!seqs.some((seq) => containsSequence(seq, toned ? form.exact : form.folded))) continue;
      out.push({ matched: form.folded, alternatives: group.filter((f) => f !== form).map((f) => f.folded) });
    }
  }
  return out;
}

/** Expands with the built-in table. */
export const expandAbbreviations: AbbreviationExpander = makeAbbreviationExpander();
