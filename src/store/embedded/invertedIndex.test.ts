import { describe, expect, it } from 'vitest';
import { DocumentTable, IndexFormatError, InvertedIndex, ScoreFloor, type TermQuery } from './invertedIndex.js';

const BM25 = { k: 1.2, b: 0.75, d: 0.5 };
const VERSION = 7;

function table(docs: Array<[string, string, string]>): DocumentTable {
  const t = new DocumentTable(2, VERSION);
  for (const [id, title, body] of docs) t.add(id, [title.split(' ').filter(Boolean), body.split(' ').filter(Boolean)]);
  return t;
}

function query(index: InvertedIndex, terms: Array<[string, number]>): TermQuery[] {
  return terms.map(([term, boost]) => ({ termId: index.termId(term), boost })).filter((q) => q.termId >= 0);
}

/** Score by id, of every matched document. */
function scoresOf(index: InvertedIndex, terms: Array<[string, number]>, boosts = [1.5, 1]): Map<string, number> {
  const found = index.score(query(index, terms), boosts, BM25);
  return new Map([...found.docs].map((d, i) => [index.docId(d), found.scores[i]!]));
}

describe('InvertedIndex', () => {
  it('finds every term of its vocabulary, and no other, whatever the characters', () => {
    // Surrogate pairs and characters from U+E000 sort differently as UTF-16 and as UTF-8 bytes.
    const words = ['a', 'ab', 'hợp', 'hợp_quốc', '~hop_quoc', '\uFF5A', '\uFF5Ab', '\u{1D49C}', 'x\u{1D49C}', 'x\uFF5A', 'x\uD7FF', 'đ', 'zz'];
    const index = table(words.map((w, i): [string, string, string] => [`d${i}`, '', w])).freeze();
    words.forEach((w, i) => {
      const t = index.termId(w);
      expect(t, w).toBeGreaterThanOrEqual(0);
      expect(index.documentFrequency(w), w).toBe(1);
      expect(scoresOf(index, [[w, 1]]).has(`d${i}`), w).toBe(true);
    });
    for (const unknown of ['', 'aa', 'hợ', 'x', 'x\uFF5B', 'x\u{1D49D}', '\uE000', 'zzz']) expect(index.termId(unknown), unknown).toBe(-1);
  });

  it('computes BM25+ per field with per-field statistics and sums title and body', () => {
    const index = table([
      ['a', 'mưa lớn', 'mưa mưa ở Hà Nội'],
      ['b', 'nắng', 'trời nắng ở Huế'],
      ['c', 'bão', 'bão và mưa'],
    ]).freeze();
    const n = 3;
    const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    // Field lengths count distinct terms: titles 2, 1, 1; bodies 4, 4, 3.
    const avgTitle = 4 / 3;
    const avgBody = 11 / 3;
    const part = (tf: number, len: number, avg: number, df: number) =>
      idf(df) * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * len) / avg)));
    const s = scoresOf(index, [['mưa', 2]]);
    expect(s.get('a')).toBeCloseTo(2 * 1.5 * part(1, 2, avgTitle, 1) + 2 * part(2, 4, avgBody, 2), 12);
    expect(s.get('c')).toBeCloseTo(2 * part(1, 3, avgBody, 2), 12);
    expect(s.has('b')).toBe(false);
    expect(index.documentFrequency('mưa')).toBe(2);
    expect(index.documentFrequency('ở')).toBe(2);
    expect(index.documentFrequency('tuyết')).toBe(0);
    expect(index.termId('tuyết')).toBe(-1);
  });

  it('counts the query terms each document matched', () => {
    const index = table([
      ['a', '', 'x y z'],
      ['b', '', 'x'],
    ]).freeze();
    const found = index.score(query(index, [['x', 1], ['y', 1], ['z', 1], ['w', 1]]), [1.5, 1], BM25);
    expect([...found.docs]).toEqual([index.docNumber('a'), index.docNumber('b')].sort((x, y) => x - y));
    expect(found.matchedTerms[found.docs.indexOf(index.docNumber('a'))]).toBe(3);
    expect(found.matchedTerms[found.docs.indexOf(index.docNumber('b'))]).toBe(1);
  });

  it('saves to bytes and reads them back unchanged, with large gaps and frequencies', () => {
    const docs: Array<[string, string, string]> = [];
    for (let i = 0; i < 700; i++) docs.push([`d${i}`, i % 300 === 0 ? 'hiếm' : 'tin', i % 2 ? 'chung' : `riêng${i} chung`]);
    docs.push(['long', 'hiếm', Array.from({ length: 20000 }, () => 'lặp').join(' ')]);
    const index = table(docs).freeze();
    const copy = InvertedIndex.fromBytes(Uint8Array.from(index.toBytes()), { formatVersion: VERSION, fieldCount: 2 });
    expect(copy.size).toBe(index.size);
    expect(copy.termCount).toBe(index.termCount);
    for (const terms of [[['hiếm', 1]], [['lặp', 1], ['chung', 0.5]], [['riêng699', 1]]] as Array<Array<[string, number]>>) {
      expect(scoresOf(copy, terms)).toEqual(scoresOf(index, terms));
    }
    expect(scoresOf(copy, [['hiếm', 1]]).size).toBe(4);
    // Thawing and freezing again gives the same bytes.
    expect(Buffer.from(DocumentTable.thaw(copy).freeze().toBytes()).equals(Buffer.from(index.toBytes()))).toBe(true);
  });

  it('merges frozen indexes into the bytes a table of their kept documents, added in order, freezes to', () => {
    // Real-looking text: terms in some parts only, terms only in dropped documents, astral
    // characters (UTF-16 and UTF-8 orders differ there), long gaps and repeated terms.
    const words = ['mưa', 'nắng', 'bão', 'Hà_Nội', 'Huế', '𝐀bc', 'z', 'ă', '~mua', 'đ', 'lặp', '1,5'];
    const doc = (p: number, i: number): [string, string, string] => {
      const pick = (n: number, salt: number) => Array.from({ length: n }, (_, j) => words[(i * 7 + j * salt + p) % words.length]!);
      const body = [...pick(3 + (i % 5), 3), ...(i % 97 === 0 ? Array.from({ length: 300 }, () => 'lặp') : []), `riêng${p}_${i}`];
      return [`p${p}#${i}`, pick(i % 3, 5).join(' '), body.join(' ')];
    };
    const partDocs = [0, 1, 2].map((p) => Array.from({ length: 150 + 60 * p }, (_, i) => doc(p, i)));
    const keeps = [null, Uint8Array.from(partDocs[1]!, (_, i) => (i % 4 === 1 ? 0 : 1)), Uint8Array.from(partDocs[2]!, (_, i) => (i < 200 ? 0 : 1))];
    const merged = InvertedIndex.merge(partDocs.map((docs, p) => ({ index: table(docs).freeze(), keep: keeps[p]! })));
    const kept = partDocs.flatMap((docs, p) => docs.filter((_, i) => keeps[p] === null || keeps[p]![i] === 1));
    const expected = table(kept).freeze();
    expect(merged.size).toBe(kept.length);
    expect(Buffer.from(merged.toBytes()).equals(Buffer.from(expected.toBytes()))).toBe(true);
    // Terms of dropped documents only are gone.
    expect(merged.termId('riêng2_0')).toBe(-1);
    expect(merged.termId('riêng2_200')).toBeGreaterThanOrEqual(0);
  });

  it('finds every term by bisection, whatever its script', () => {
    const terms = ['a', 'b', 'ă', 'z', 'đ', '~a', '日本', '𝐀bc', 'é_f', '1,5'];
    const index = table([['x', '', terms.join(' ')]]).freeze();
    for (const t of terms) expect(index.termId(t)).toBeGreaterThanOrEqual(0);
    expect(new Set(terms.map((t) => index.termId(t))).size).toBe(terms.length);
    expect(index.termId('c')).toBe(-1);
  });

  it('after removals and replacements, scores as an index built without them', () => {
    const docs: Array<[string, string, string]> = [
      ['a', 'mưa', 'mưa lớn ở Hà Nội'],
      ['b', 'nắng', 'nắng ở Huế'],
      ['c', 'bão', 'bão và mưa ở Huế'],
      ['d', 'lũ', 'lũ ở miền Trung'],
    ];
    const edited = table(docs);
    expect(edited.remove('b')).toBe(true);
    expect(edited.remove('b')).toBe(false);
    edited.add('c', [['bão'], 'bão mạnh ở Huế'.split(' ')]);
    const fresh = table([docs[0]!, docs[3]!, ['c', 'bão', 'bão mạnh ở Huế']]);
    const [x, y] = [edited.freeze(), fresh.freeze()];
    expect(x.size).toBe(3);
    for (const terms of [[['ở', 1]], [['mưa', 1], ['huế', 1]], [['nắng', 1]], [['bão', 1]]] as Array<Array<[string, number]>>) {
      const [got, want] = [scoresOf(x, terms), scoresOf(y, terms)];
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [id, s] of want) expect(got.get(id)).toBeCloseTo(s, 12);
    }
    expect(x.termId('nắng')).toBe(-1);
  });

  it('refuses bytes of another version, another shape, or cut short', () => {
    const bytes = table([['a', 't', 'x y']]).freeze().toBytes();
    const read = (b: Uint8Array, formatVersion = VERSION, fieldCount = 2) => () => InvertedIndex.fromBytes(b, { formatVersion, fieldCount });
    expect(read(bytes)).not.toThrow();
    expect(read(bytes, VERSION + 1)).toThrow(IndexFormatError);
    expect(read(bytes, VERSION, 3)).toThrow(/fields/);
    expect(read(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated|damaged/);
    expect(read(new TextEncoder().encode('{"version":1,"minisearch":{"documentCount":3}}'))).toThrow(/not an inverted index/);
  });
});

describe('InvertedIndex search', () => {
  it('keeps its result until released, shares nothing with an overlapping search, and starts the next one clean', () => {
    const index = table([
      ['a', 'mưa', 'mưa lớn ở Hà Nội'],
      ['b', '', 'nắng ở Huế'],
      ['c', 'bão', 'bão và mưa'],
    ]).freeze();
    const byId = (found: ReturnType<InvertedIndex['score']>) => new Map([...found.docs].map((d, i) => [index.docId(d), [found.scores[i], found.matchedTerms[i]]]));
    const rain = index.score(query(index, [['mưa', 1]]), [1.5, 1], BM25);
    const sun = index.score(query(index, [['nắng', 1]]), [1.5, 1], BM25);
    expect(sun.scores.buffer).not.toBe(rain.scores.buffer);
    const rainFirst = byId(rain);
    expect([...rainFirst.keys()].sort()).toEqual(['a', 'c']);
    rain.release();
    sun.release();
    // The next searches reuse the released arrays: nothing of the previous ones may remain.
    const storm = index.score(query(index, [['bão', 1]]), [1.5, 1], BM25);
    expect([...byId(storm).keys()]).toEqual(['c']);
    storm.release();
    expect(byId(index.score(query(index, [['mưa', 1]]), [1.5, 1], BM25))).toEqual(rainFirst);
  });

  it('scores the same across window boundaries, with documents left out, as one pass over every posting', () => {
    // 10,000 documents: several scoring windows, terms with postings in some windows only.
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = ['an', 'binh', 'cuc', 'dan', 'em', 'phu', 'giang'];
    const docs: Array<[string, string, string]> = Array.from({ length: 10_000 }, (_, i) => {
      const pick = (n: number) => Array.from({ length: n }, () => words[Math.floor(rand() * rand() * words.length)]!).join(' ');
      return [`d${i}`, i % 7 === 0 ? pick(2) : '', i > 4000 && i < 4100 ? 'hiếm ' + pick(5) : pick(1 + Math.floor(rand() * 8))];
    });
    const index = table(docs).freeze();
    const keep = new Uint8Array(index.size).map((_, d) => (d % 5 === 3 ? 0 : 1));
    const terms: Array<[string, number]> = [['hiếm', 2], ['an', 1], ['giang', 0.5], ['cuc', 1]];
    const found = index.score(query(index, terms), [1.5, 1], BM25, { keep });
    // The reference: every posting of every term, added in query order, field sums first.
    const expected = new Map<number, [number, number]>();
    for (const [term, boost] of terms) {
      const part = new Map<number, number>();
      const t = index.termId(term);
      index.forEachPosting((termId, field, doc, tf) => {
        if (termId !== t || keep[doc] === 0) return;
        const df = index.frequencies(termId).fields[field]!;
        const idf = Math.log(1 + (index.size - df + 0.5) / (df + 0.5));
        const avg = index.avgFieldLengths()[field]!;
        const raw = idf * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * index.fieldLength(doc, field)) / avg)));
        part.set(doc, (part.get(doc) ?? 0) + boost * [1.5, 1][field]! * raw);
      });
      for (const [doc, x] of part) {
        const [sum, n] = expected.get(doc) ?? [0, 0];
        expected.set(doc, [sum + x, n + 1]);
      }
    }
    const docsExpected = [...expected.keys()].sort((a, b) => a - b);
    expect([...found.docs]).toEqual(docsExpected);
    docsExpected.forEach((doc, i) => {
      expect(found.scores[i]).toBe(expected.get(doc)![0]);
      expect(found.matchedTerms[i]).toBe(expected.get(doc)![1]);
    });
    expect(found.docs.length).toBeGreaterThan(3000);
  });
  it('once the best are known, scores only the documents a term too rare to ignore reaches, with the same results', () => {
    // 20,000 documents hold a common word; 40 of them also a rare one (one in each window of 4,096 holds it several times).
    const docs: Array<[string, string, string]> = Array.from({ length: 20_000 }, (_, i) => [
      `d${i}`,
      '',
      i % 500 === 7 ? `hiếm ${i % 4096 < 500 ? 'hiếm hiếm ' : ''}phổ biến` : `phổ biến ${i % 3 === 0 ? 'chung' : ''}`,
    ]);
    const index = table(docs).freeze();
    const terms = query(index, [['hiếm', 1], ['phổ', 1], ['chung', 1]]);
    const limit = 10;
    const top = index.top(terms, [1.5, 1], BM25, { floor: new ScoreFloor(limit), also: Uint32Array.of(3, 19_999) });
    const all = index.score(terms, [1.5, 1], BM25);
    const best = [...all.scores].sort((a, b) => b - a).slice(0, limit);
    const kept = [...top.scores].sort((a, b) => b - a).slice(0, limit);
    expect(kept).toEqual(best);
    // Each document kept has its exact score, and so do the `also` documents.
    const exact = new Map([...all.docs].map((d, i) => [d, all.scores[i]!]));
    top.docs.forEach((d, i) => expect(top.scores[i]).toBe(exact.get(d)));
    expect([...top.alsoScores]).toEqual([exact.get(3), exact.get(19_999)]);
    expect(all.docs.length).toBe(20_000);
    all.release();
    // Past the first window the common words cannot lift a document to the floor alone.
    expect(top.scored).toBeLessThan(6000);
  });
});
