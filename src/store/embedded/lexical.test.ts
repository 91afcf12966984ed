import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../ingest/types.js';
import { bestOf, LexicalFormatError, LexicalIndex, MAX_QUERY_TERMS, type LexicalHit } from './lexical.js';

function chunk(chunkId: string, text: string, title = 'Tin tức'): Chunk {
  return { chunkId, documentId: chunkId.split('#')[0]!, ordinal: 0, text, start: 0, end: text.length, title, outlet: null, publishedAt: null };
}

const CHUNKS = [
  chunk('undp#0', 'Năm 1977, ASEAN và UNDP chính thức lập quan hệ đối tác.'),
  chunk('ban#0', 'Hai bên ngồi vào bàn đàm phán về hòa bình.'),
  chunk('bạn#0', 'Một người bạn cũ kể chuyện ban ngày, ban đêm.'),
  chunk('lhq#0', 'Liên Hợp Quốc họp về biến đổi khí hậu.'),
  chunk('bong#0', 'Đội bóng đá giành chức vô địch.'),
];

function indexOf(chunks: Chunk[] = CHUNKS): LexicalIndex {
  const ix = LexicalIndex.create();
  ix.add(chunks);
  return ix;
}

describe('LexicalIndex', () => {
  it('finds the toned passage for a query typed without accents', () => {
    const hits = indexOf().search('asean va undp lap quan he nam nao', 3);
    expect(hits[0]?.chunkId).toBe('undp#0');
  });

  it('prefers the exact tones when the query has them', () => {
    expect(indexOf().search('bàn đàm phán', 2)[0]?.chunkId).toBe('ban#0');
    expect(indexOf().search('ban ngày ban đêm', 2)[0]?.chunkId).toBe('bạn#0');
  });

  it('does not match on stopwords or question words alone', () => {
    expect(indexOf().search('là gì và ở đâu?', 5)).toEqual([]);
  });

  it('cuts the best matches through a run of equal scores by id, as a full sort would', () => {
    // Twelve passages score the same; two score higher. Ids in shuffled order, some sharing prefixes.
    const same = ['m#0', 'c#0', 'k#0', 'a#0', 'ab#0', 'z#0', 'b#0', 'aa#0', 'y#0', 'd#0', 'e#0', 'ac#0'];
    const ix = indexOf([
      ...same.map((id) => chunk(id, 'Mưa lớn ở miền Trung.')),
      chunk('best#0', 'Mưa lớn, mưa lớn kéo dài ở miền Trung.', 'Mưa lớn'),
      chunk('next#0', 'Mưa lớn kéo dài.', 'Mưa lớn'),
      chunk('other#0', 'Nắng nóng ở Hà Nội.'),
    ]);
    const all = ix.search('mưa lớn miền trung', 100);
    expect(all).toHaveLength(14);
    for (const limit of [1, 2, 3, 5, 9, 14]) {
      const top = ix.search('mưa lớn miền trung', limit);
      expect(top).toEqual(all.slice(0, limit));
    }
    const tied = all.filter((h) => same.includes(h.chunkId));
    expect(new Set(tied.map((h) => h.score)).size).toBe(1);
    expect(tied.map((h) => h.chunkId)).toEqual([...same].sort());
  });

  it('searches a very long query with its rarest terms only', () => {
    // 150 made-up words, one term each (commas keep them from pairing): 10 held by one passage,
    // 130 by two, 10 by every filler.
    const letters = 'abcdefghiklmnopqrstuvxy';
    const words = Array.from({ length: 150 }, (_, i) => `xq${letters[Math.floor(i / letters.length)]}${letters[i % letters.length]}`);
    const text = (ws: string[]) => `${ws.join(', ')}.`;
    const common = words.slice(140);
    const ix = indexOf([
      chunk('rare#0', text(words.slice(0, 10))),
      chunk('common#0', text(common)),
      ...Array.from({ length: 30 }, (_, i) => chunk(`f${i}#0`, text(i < 2 ? [...words.slice(10, 140), ...common] : common))),
    ]);
    const query = text(words);
    expect(ix.analyzeQuery(query).length).toBe(150);
    expect(MAX_QUERY_TERMS).toBeLessThan(140);
    const hits = ix.search(query, 50).map((h) => h.chunkId);
    // The 10 commonest words are past the cap: what holds only them is not found.
    expect(hits.sort()).toEqual(['f0#0', 'f1#0', 'rare#0']);
  });

  it('finds a full form from its abbreviation', () => {
    expect(indexOf().search('LHQ họp', 1)[0]?.chunkId).toBe('lhq#0');
  });

  it('round-trips through its saved bytes with the same results, and stays editable', () => {
    const ix = indexOf();
    const copy = LexicalIndex.fromBytes(Buffer.from(ix.toBytes()));
    expect(copy.size).toBe(ix.size);
    expect(copy.has('lhq#0')).toBe(true);
    for (const q of ['hòa bình', 'asean undp', 'bong da vo dich', 'LHQ']) expect(copy.search(q, 5)).toEqual(ix.search(q, 5));
    expect(copy.idf('hoa')).toBe(ix.idf('hoa'));
    copy.add([chunk('moi#0', 'Hòa bình ở Trung Đông')]);
    ix.add([chunk('moi#0', 'Hòa bình ở Trung Đông')]);
    expect(copy.match('hòa bình trung đông', 10)).toEqual(ix.match('hòa bình trung đông', 10));
  });

  it('refuses bytes that are not a saved index, or are damaged, with a message that says to rebuild', () => {
    expect(() => LexicalIndex.fromBytes(new Uint8Array(0))).toThrow(LexicalFormatError);
    expect(() => LexicalIndex.fromBytes(Buffer.from('{"version":1,"minisearch":{}}'))).toThrow(/npm run ingest/);
    const bytes = indexOf().toBytes();
    expect(() => LexicalIndex.fromBytes(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated|damaged/);
    const otherVersion = Uint8Array.from(bytes);
    otherVersion[4] = 99;
    expect(() => LexicalIndex.fromBytes(otherVersion)).toThrow(/format version 99/);
  });

  it('removes chunks so they are no longer found, and re-adding replaces', () => {
    const ix = indexOf();
    ix.remove(['bong#0', 'unknown#9']);
    expect(ix.size).toBe(CHUNKS.length - 1);
    expect(ix.search('bóng đá', 5)).toEqual([]);
    ix.add([chunk('undp#0', 'Bóng đá Việt Nam')]);
    expect(ix.size).toBe(CHUNKS.length - 1);
    expect(ix.search('bóng đá', 5).map((h) => h.chunkId)).toEqual(['undp#0']);
    expect(ix.search('1977 chính thức', 5)).toEqual([]);
  });

  it('gives rare syllables a higher idf than common ones', () => {
    const ix = indexOf([...CHUNKS, chunk('x#0', 'Năm nay hòa bình'), chunk('y#0', 'Năm sau hòa bình')]);
    expect(ix.idf('undp')).toBeGreaterThan(ix.idf('nam'));
    expect(ix.idf('khongcotrongkho')).toBeGreaterThan(ix.idf('undp'));
  });
});

describe('bestOf', () => {
  it('picks the same best hits, in the same order, as sorting them all', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const size of [0, 5, 60, 1000, 5000]) {
      // Scores on a coarse grid, so that many tie and the id order decides.
      const hits: LexicalHit[] = Array.from({ length: size }, (_, i) => ({ chunkId: `d${Math.floor(rand() * 1e6)}#${i}`, score: Math.round(rand() * 20) / 2 }));
      const sorted = [...hits].sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1));
      const before = (a: LexicalHit, b: LexicalHit) => a.score > b.score || (a.score === b.score && a.chunkId < b.chunkId);
      for (const limit of [0, 1, 10, 50]) expect(bestOf(hits, limit, before)).toEqual(sorted.slice(0, limit));
    }
  });

  it('leaves out what `keep` refuses before choosing the best', () => {
    const ix = indexOf();
    const all = ix.match('ban', 10);
    expect(all.top.map((h) => h.chunkId)).toContain('ban#0');
    const kept = ix.match('ban', 10, { keep: (id) => id !== 'ban#0', also: ['ban#0'] });
    expect(kept.top.map((h) => h.chunkId)).not.toContain('ban#0');
    expect(kept.scores.has('ban#0')).toBe(false);
    expect(kept.top.length).toBe(all.top.length - 1);
  });
});
