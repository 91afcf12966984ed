import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../tests/helpers/config.js';
import { foldDiacritics } from './normalize.js';
import { splitSentences } from './sentences.js';
import {
  contentSyllables,
  forEachSentenceSyllable,
  exactTerms,
  indexTerms,
  isTonedQuery,
  queryTerms,
  splitPhrases,
  WORD,
  wordMatches,
} from './tokenize.js';

describe('splitPhrases', () => {
  it('lower-cases, splits syllables and breaks phrases at punctuation', () => {
    const phrases = splitPhrases('Liên Hợp Quốc, ASEAN. Hà Nội');
    expect(phrases.map((p) => p.syllables)).toEqual([['liên', 'hợp', 'quốc'], ['asean'], ['hà', 'nội']]);
  });

  it('keeps in-word compounds whole and also splits them into parts', () => {
    const [p] = splitPhrases('đại dịch COVID-19 và Nghị quyết Res/61/44 tại TP.HCM ngày 3/12/2019');
    expect(p?.compounds).toEqual(['covid-19', 'res/61/44', 'tp.hcm', '3/12/2019']);
    expect(p?.syllables).toEqual(
      expect.arrayContaining(['covid', '19', 'res', '61', '44', 'tp', 'hcm', '3', '12', '2019']),
    );
  });

  it('joins digits around a decimal comma but splits words at a comma', () => {
    expect(splitPhrases('3,5 triệu')[0]?.compounds).toEqual(['3,5']);
    expect(splitPhrases('Hà Nội,Huế').map((p) => p.syllables)).toEqual([['hà', 'nội'], ['huế']]);
  });

  it('normalises tone placement so old and new spellings give the same syllable', () => {
    expect(splitPhrases('hoà bình')[0]?.syllables).toEqual(splitPhrases('hòa bình')[0]?.syllables);
  });
});

describe('index terms', () => {
  it('emits syllables, bigrams within a phrase only, and folded twins', () => {
    const terms = exactTerms('Liên Hợp Quốc, ASEAN');
    expect(terms).toEqual(expect.arrayContaining(['liên', 'hợp', 'quốc', 'liên_hợp', 'hợp_quốc', 'asean']));
    expect(terms).not.toContain('quốc_asean');
    expect(indexTerms('Liên Hợp Quốc')).toEqual(expect.arrayContaining(['~lien_hop', '~hop_quoc', '~quoc']));
  });
});

describe('queryTerms', () => {
  it('drops stopwords and question words, and bigrams that contain them', () => {
    const terms = queryTerms('ASEAN và UNDP lập quan hệ năm nào?').map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining(['asean', 'undp', 'lập', 'quan_hệ', 'năm']));
    expect(terms).not.toContain('và');
    expect(terms).not.toContain('nào');
    expect(terms).not.toContain('năm_nào');
    expect(terms).not.toContain('asean_và');
  });

  it('searches a toned query by exact forms first and folded forms with a lower weight', () => {
    const w = new Map(queryTerms('hợp tác').map((t) => [t.term, t.weight]));
    expect(w.get('hợp_tác')).toBe(1);
    expect(w.get('~hop_tac')).toBeGreaterThan(0);
    expect(w.get('~hop_tac')).toBeLessThan(1);
  });

  it('searches a query typed without accents by folded forms only', () => {
    const terms = queryTerms('asean va undp lap quan he nam nao');
    expect(terms.every((t) => t.term.startsWith('~'))).toBe(true);
    expect(terms.map((t) => t.term)).toEqual(expect.arrayContaining(['~lap', '~quan_he']));
    expect(terms.map((t) => t.term)).not.toContain('~va');
    expect(terms.map((t) => t.term)).not.toContain('~nao');
  });

  it('keeps a folded syllable that is a stopword only by accident ("dau" may be "đầu")', () => {
    expect(contentSyllables('dau tien')).toContain('dau');
    expect(contentSyllables('Ở đâu?')).toEqual([]);
  });
});

describe('isTonedQuery', () => {
  it('treats a query with one stray accent as untoned', () => {
    expect(isTonedQuery(splitPhrases('asean và undp lap quan he nam nao'))).toBe(false);
    expect(isTonedQuery(splitPhrases('ASEAN và UNDP lập quan hệ năm nào'))).toBe(true);
  });
});

describe('wordMatches', () => {
  const byRegex = (text: string) => [...text.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index }));

  it('finds exactly the matches of the word pattern, on real Vietnamese text', () => {
    const lines = fs.readFileSync(path.join(SHARED_DIR, 'eval/xquad-vi/xquad-vi.passages.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines.slice(0, 60)) {
      const { text } = JSON.parse(line) as { text: string };
      for (const t of [text, text.toLowerCase(), text.normalize('NFD')]) expect(wordMatches(t)).toEqual(byRegex(t));
    }
  });

  it('finds exactly the matches of the word pattern on any mix of joiners, numbers and scripts', () => {
    // Joiners, commas between numbers of several scripts, astral letters and numbers, lone
    // surrogates, marks, Latin-1 numbers and letters, other scripts.
    const alphabet = ['a', 'Đ', 'ề', '9', '٣', '²', '½', 'ª', 'µ', '×', '\u0301', '-', '.', '/', '_', '&', "'", '’', ',', ' ', '\n', '\u{1D7D8}', '\u{1D49C}', '\uD835', '\uDC9C', 'Σ', '中', '!', '‐'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 14);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(wordMatches(text), JSON.stringify(text)).toEqual(byRegex(text));
    }
  });
});

describe('forEachSentenceSyllable', () => {
  /** The definition: each sentence's text cut into phrases, each syllable folded. */
  const bySentence = (text: string) =>
    splitSentences(text).flatMap((s, i) => splitPhrases(s.text).flatMap((p) => p.syllables.map((x) => [foldDiacritics(x), i])));
  const visited = (text: string) => {
    const out: Array<[string, number]> = [];
    const count = forEachSentenceSyllable(text, (syllable, i) => out.push([syllable, i]));
    expect(count).toBe(splitSentences(text).length);
    return out;
  };

  it('gives each sentence the folded syllables of its own text, on real passages as written and denormalised', () => {
    const lines = fs.readFileSync(path.join(SHARED_DIR, 'eval/xquad-vi/xquad-vi.passages.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines) {
      const { text } = JSON.parse(line) as { text: string };
      const variants = [text, text.normalize('NFD'), text.toUpperCase(), text.replaceAll('hòa', 'hoà').replaceAll('đ', 'ð')];
      for (const t of variants) expect(visited(t)).toEqual(bySentence(t));
    }
  });

  it('gives each sentence the folded syllables of its own text, on any mix of scripts, cases, marks and spaces', () => {
    // Σ lower-cases by its neighbours, İ grows, Ð is rewritten, "oà"/"uỳ" move their tone, and
    // the odd spaces (some of them ignorable by case rules) separate sentences.
    const alphabet = [
      'Σ', 'ΑΣ', 'İ', 'Ð', 'ð', 'hoà', 'oà', 'thuỷ', 'quỳ', 'Q', 'u', 'y', '\u0300', '\u0323', 'a', 'Đ', 'ế', '9', '-', '_', ',',
      "'", '’', '.', '!', '?', '…', '"', '”', '“', ' ', '\n', '\u00A0', '\uFEFF', '\u2000', '\u1680', 'TP', 'J', 'Ông', 'x',
      '\uD835', '\u{1D49C}', 'ǅ',
    ];
    // Whole, "ΑΣ.\uFEFFΒ" lower-cases its Σ to σ (a letter follows past ignorable characters); its first sentence alone ends in ς.
    for (const text of ['ΑΣ.\uFEFFΒ', 'İİ. Σ', 'hoà. Thuỷ']) expect(visited(text)).toEqual(bySentence(text));
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 14);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(visited(text), JSON.stringify(text)).toEqual(bySentence(text));
    }
  });
});
