import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, SHARED_DIR } from '../../../tests/helpers/config.js';
import { unit } from '../../../tests/helpers/storeEntries.js';
import { segmentScope, type SegmentInput } from './segment.js';
import { mergeSegments, readSegment, readSegmentManifest, SegmentCorruptError, writeSegment } from './segmentFiles.js';

const DIMENSIONS = 16;
const GRAPH = { m: 8, efConstruction: 50, efSearch: 32 };
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** Real Vietnamese articles (XQuAD-vi passages), one passage per sentence, vectors from `unit`. */
async function articles(count: number): Promise<SegmentInput[]> {
  const lines = (await fs.readFile(path.join(SHARED_DIR, 'eval/xquad-vi/xquad-vi.passages.jsonl'), 'utf8')).trim().split('\n');
  return lines.slice(0, count).map((line, i) => {
    const { passage_id: id, title, text } = JSON.parse(line) as { passage_id: string; title: string; text: string };
    const passages: Array<{ ordinal: number; start: number; end: number }> = [];
    for (const m of text.matchAll(/[^.!?]+[.!?]*/g)) passages.push({ ordinal: passages.length, start: m.index, end: m.index + m[0].length });
    return {
      article: { id, title, outlet: i % 2 ? 'VOV' : null, publishedAt: null, section: null, text, sourceFile: 'x.jsonl', originalFile: null, url: null, contentHash: `h${i}` },
      passages,
      vectors: passages.map((_, p) => unit(i * 100 + p, DIMENSIONS)),
    };
  });
}

describe('mergeSegments', () => {
  it('writes the same files as writing the live articles afresh (lexical index merged, not rebuilt)', async () => {
    const root = await makeTempDir('vnrag-merge-');
    dirs.push(root);
    const all = await articles(60);
    const [a, b, c] = [all.slice(0, 25), all.slice(25, 45), all.slice(45)];
    for (const [name, inputs] of [['a', a], ['b', b], ['c', c]] as const) {
      await writeSegment(path.join(root, name), DIMENSIONS, GRAPH, 8, inputs);
    }
    // Tombstones: every third article of a, the first of c; b whole.
    const deletedA = Uint8Array.from(a, (_, n) => (n % 3 === 0 ? 1 : 0));
    const deletedC = Uint8Array.from(c, (_, n) => (n === 0 ? 1 : 0));
    const merged = await mergeSegments(path.join(root, 'merged'), DIMENSIONS, GRAPH, [
      { dir: path.join(root, 'a'), deleted: deletedA },
      { dir: path.join(root, 'b'), deleted: null },
      { dir: path.join(root, 'c'), deleted: deletedC },
    ]);
    const live = [...a.filter((_, n) => deletedA[n] === 0), ...b, ...c.filter((_, n) => deletedC[n] === 0)];
    const livePassages = live.reduce((n, x) => n + x.passages.length, 0);
    await writeSegment(path.join(root, 'fresh'), DIMENSIONS, GRAPH, livePassages, live);
    expect(Array.from({ length: merged.articles.length }, (_, n) => merged.articles.id(n))).toEqual(live.map((x) => x.article.id));

    const [got, want] = await Promise.all([readSegmentManifest(path.join(root, 'merged')), readSegmentManifest(path.join(root, 'fresh'))]);
    expect(got).toEqual(want); // every file's size and checksum: lexical index, vectors, texts, graph
    // And the merged segment loads and searches.
    const segment = await readSegment(path.join(root, 'merged'), DIMENSIONS, GRAPH.efSearch);
    try {
      const p = segment.locate(`${b[3]!.article.id}#0`);
      expect(p).toBeGreaterThanOrEqual(0);
      expect((await segment.nearest(unit(28 * 100, DIMENSIONS), 1, segmentScope(null, segment.passageCount)))[0]?.passage).toBe(p);
    } finally {
      await segment.close();
    }
  });

  it('refuses a source whose vectors are damaged (they are streamed, but checked first)', async () => {
    const root = await makeTempDir('vnrag-merge-');
    dirs.push(root);
    const all = await articles(6);
    await writeSegment(path.join(root, 'a'), DIMENSIONS, GRAPH, 8, all.slice(0, 3));
    await writeSegment(path.join(root, 'b'), DIMENSIONS, GRAPH, 8, all.slice(3));
    const file = path.join(root, 'b', 'vectors.f32');
    const bytes = await fs.readFile(file);
    bytes[100] = bytes[100]! ^ 0xff;
    await fs.writeFile(file, bytes);
    const merging = mergeSegments(path.join(root, 'merged'), DIMENSIONS, GRAPH, [
      { dir: path.join(root, 'a'), deleted: null },
      { dir: path.join(root, 'b'), deleted: null },
    ]);
    await expect(merging).rejects.toBeInstanceOf(SegmentCorruptError);
  });
});
