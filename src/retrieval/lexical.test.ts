import { describe, expect, it } from 'vitest';
import type { Chunk } from '../ingest/types.js';
import { LexicalIndex } from './lexical.js';

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

  it('finds a full form from its abbreviation', () => {
    expect(indexOf().search('LHQ họp', 1)[0]?.chunkId).toBe('lhq#0');
  });

  it('round-trips through JSON with the same results', () => {
    const ix = indexOf();
    const copy = LexicalIndex.fromJSON(JSON.parse(JSON.stringify(ix.toJSON())));
    expect(copy.size).toBe(ix.size);
    for (const q of ['hòa bình', 'asean undp', 'bong da vo dich']) expect(copy.search(q, 5)).toEqual(ix.search(q, 5));
  });

  it('rejects a bad saved shape with a message that says to rebuild', () => {
    expect(() => LexicalIndex.fromJSON({ nope: true })).toThrow(/rebuild/);
    expect(() => LexicalIndex.fromJSON(null)).toThrow(/rebuild/);
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
