import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusFolderError, formatCorpusProblem, loadCorpus, readCorpus } from './load.js';
import type { LoadedCorpus } from './types.js';

const REPO_CORPUS = path.resolve(import.meta.dirname, '../../corpus');

const GOOD_MD = `---
id: bai-mot
title: Hoà bình ở Đông Nam Á
outlet: VOV
publishedAt: 2020-11-24T01:11
url: https://vov.vn/bai-mot
originalFile: null
---
Đoạn thứ nhất về hoà bình.

Đoạn thứ nhất về hoà bình.

Video đang HOT

Đoạn thứ hai./.
`;

describe('loadCorpus on a folder with good and broken files', () => {
  let dir: string;
  let corpus: LoadedCorpus;
  const problemFor = (file: string): string | undefined =>
    corpus.problems.find((p) => p.file === path.join(dir, file))?.message;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-corpus-'));
    const write = async (rel: string, content: string | Uint8Array): Promise<void> => {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), content);
    };
    await write('a-good.md', GOOD_MD);
    await write('README.md', '# Not an article\n');
    await write('.hidden.md', GOOD_MD);
    await write('notes.csv', 'ignored');
    await write('sub/scrape.txt', '11:57 30/10/2020\n\nTiêu đề bài cào\n\nNội dung bài cào./.\n\n(TTXVN/Vietnam+)\n\nTin cùng chuyên mục\n');
    await write('sub/plain.md', '# Tiêu đề không có front matter\n\nNội dung thường.\n');
    await write('empty.md', '  \n\n');
    await write('bad-yaml.md', '---\ntitle: [unclosed\n---\nNội dung.\n');
    await write('bad-date.md', '---\ntitle: Bài có ngày sai\npublishedAt: 30/10/2020\n---\nNội dung.\n');
    await write('bad-field.md', '---\ntitle: Bài\npublishedat: 2020-10-30\n---\nNội dung.\n');
    await write('bad-id.md', '---\nid: Bài Một\ntitle: Bài\n---\nNội dung.\n');
    await write('no-title.md', '---\noutlet: VOV\n---\nNội dung.\n');
    await write('unclosed.md', '---\ntitle: Bài\nNội dung.\n');
    await write('latin1.txt', Buffer.from([0x54, 0x69, 0xea, 0x75, 0x20, 0x111 & 0xff, 0xff, 0xfe]));
    await write('replacement.txt', 'Tiêu đề\nNội dung hỏng \uFFFD ở đây.\n');
    await write('dup.md', GOOD_MD.replace('title: Hoà bình ở Đông Nam Á', 'title: Bản sao'));
    await write('only-boilerplate.md', '---\ntitle: Trống\n---\nVideo đang HOT\n\nTin liên quan\n');
    await write(
      'z-lines.jsonl',
      [
        JSON.stringify({ id: 'Test_Full/XH (1).txt', topic: 'Xã hội', source: 'VNE', text: 'Tiêu đề một\nNội dung một.' }),
        '{"text": "broken',
        '',
        JSON.stringify({ title: 'Tiêu đề hai', text: 'Nội dung hai.', outlet: 'Tuổi Trẻ', publishedAt: '2007-01-02' }),
        JSON.stringify({ title: 'Thiếu nội dung' }),
        JSON.stringify({ text: 'Tiêu đề ba\nNội dung ba.', publishedAt: 'hôm qua' }),
        JSON.stringify({ text: 'Tiêu đề bốn\nNội dung bốn.' }),
      ].join('\n'),
    );
    await write('big.txt', `Tiêu đề\n${'a'.repeat(2048)}`);
    corpus = await loadCorpus(dir, { maxFileBytes: 1024 });
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('loads the good files, cleaned, in sorted path order', () => {
    expect(corpus.articles.map((a) => a.id)).toEqual([
      'bai-mot',
      'plain',
      'scrape',
      'test-full-xh-1-txt',
      'z-lines-4',
      'z-lines-7',
    ]);
    const good = corpus.articles[0]!;
    expect(good).toEqual({
      id: 'bai-mot',
      title: 'Hòa bình ở Đông Nam Á',
      outlet: 'VOV',
      publishedAt: '2020-11-24T01:11',
      text: 'Đoạn thứ nhất về hòa bình.\n\nĐoạn thứ hai.',
      sourceFile: 'a-good.md',
      originalFile: null,
      url: 'https://vov.vn/bai-mot',
    });
  });

  it('reads a raw scrape: headline, dateline, outlet, cleaned body', () => {
    const scrape = corpus.articles.find((a) => a.id === 'scrape')!;
    expect(scrape).toMatchObject({
      title: 'Tiêu đề bài cào',
      outlet: 'TTXVN/Vietnam+',
      publishedAt: '2020-10-30T11:57',
      text: 'Nội dung bài cào.',
      sourceFile: 'sub/scrape.txt',
    });
  });

  it('reads Markdown without front matter like a scrape', () => {
    const plain = corpus.articles.find((a) => a.id === 'plain')!;
    expect(plain.title).toBe('Tiêu đề không có front matter');
    expect(plain.text).toBe('Nội dung thường.');
  });

  it('reads JSONL lines, with `source` as the outlet and the first line as the headline', () => {
    const first = corpus.articles.find((a) => a.id === 'test-full-xh-1-txt')!;
    expect(first).toMatchObject({ title: 'Tiêu đề một', text: 'Nội dung một.', outlet: 'VNE', sourceFile: 'z-lines.jsonl' });
    const second = corpus.articles.find((a) => a.id === 'z-lines-4')!;
    expect(second).toMatchObject({ title: 'Tiêu đề hai', outlet: 'Tuổi Trẻ', publishedAt: '2007-01-02' });
  });

  it('skips README.md, hidden files and other extensions', () => {
    const files = [...corpus.articles.map((a) => a.sourceFile), ...corpus.problems.map((p) => p.file)];
    expect(files.some((f) => /readme|hidden|notes\.csv/i.test(f))).toBe(false);
  });

  it('reports each broken file by name with what is wrong', () => {
    expect(problemFor('empty.md')).toBe('file is empty');
    expect(problemFor('bad-yaml.md')).toMatch(/^front matter: invalid YAML/);
    expect(problemFor('bad-date.md')).toBe('front matter: publishedAt must be an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)');
    expect(problemFor('bad-field.md')).toMatch(/^front matter: unknown field publishedat; allowed: id, title/);
    expect(problemFor('bad-id.md')).toMatch(/^front matter: id must use only lower-case ASCII/);
    expect(problemFor('no-title.md')).toBe('front matter: title is required');
    expect(problemFor('unclosed.md')).toMatch(/not closed/);
    expect(problemFor('latin1.txt')).toMatch(/not valid UTF-8/);
    expect(problemFor('replacement.txt')).toMatch(/U\+FFFD/);
    expect(problemFor('dup.md')).toBe(`duplicate id "bai-mot" (already used by ${path.join(dir, 'a-good.md')}); give one of them another id`);
    expect(problemFor('only-boilerplate.md')).toBe('body is empty after cleaning');
    expect(problemFor('big.txt')).toMatch(/over the 1 KB limit/);
  });

  it('reports bad JSONL lines as file:line and still loads the other lines', () => {
    expect(problemFor('z-lines.jsonl:2')).toMatch(/^invalid JSON/);
    expect(problemFor('z-lines.jsonl:5')).toBe('text is required');
    expect(problemFor('z-lines.jsonl:6')).toMatch(/^publishedAt must be an ISO date/);
    expect(problemFor('z-lines.jsonl:3')).toBeUndefined(); // a blank line is not a problem
  });

  it('has exactly the expected problems, formatted for people', () => {
    expect(corpus.problems).toHaveLength(15);
    expect(formatCorpusProblem(corpus.problems[0]!)).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
  });

  it('is deterministic', async () => {
    expect(await loadCorpus(dir, { maxFileBytes: 1024 })).toEqual(corpus);
  });

  it('never reads the folders it is told to skip (an index kept inside the corpus folder)', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-skip-'));
    await fs.mkdir(path.join(root, 'index', 'seg-1'), { recursive: true });
    await fs.writeFile(path.join(root, 'a.md'), '# Bài một\n\nNội dung bài một.');
    await fs.writeFile(path.join(root, 'index', 'seg-1', 'articles.jsonl'), '{"id":"b","text":"Bài hai\\nNội dung bài hai."}\n');
    expect((await loadCorpus(root)).articles.map((a) => a.title).sort()).toEqual(['Bài hai', 'Bài một']);
    expect((await loadCorpus(root, { skipDirs: [path.join(root, 'index')] })).articles.map((a) => a.title)).toEqual(['Bài một']);
    await fs.rm(root, { recursive: true, force: true });
  });

  it('throws a clear error when the folder does not exist', async () => {
    await expect(loadCorpus(path.join(dir, 'missing'))).rejects.toThrow(CorpusFolderError);
    await expect(loadCorpus(path.join(dir, 'missing'))).rejects.toThrow(/set CORPUS_DIR/);
  });
});

describe('loadCorpus on the curated corpus/', () => {
  let corpus: LoadedCorpus;
  beforeAll(async () => {
    corpus = await loadCorpus(REPO_CORPUS);
  });

  it('loads the 7 seed articles without problems', () => {
    expect(corpus.problems).toEqual([]);
    expect(corpus.articles).toHaveLength(7);
  });

  it('has titles, URL-safe unique ids and no repeated paragraphs', () => {
    const ids = corpus.articles.map((a) => a.id);
    expect(new Set(ids).size).toBe(7);
    for (const a of corpus.articles) {
      expect(a.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(a.title.length).toBeGreaterThan(10);
      const paragraphs = a.text.split('\n\n');
      expect(new Set(paragraphs).size).toBe(paragraphs.length);
      expect(a.text).not.toMatch(/\/\.|Video đang HOT|Tin cùng chuyên mục|ảnh 1/u);
      expect(a.originalFile).toMatch(/^seed-articles\/00[0-4]_[0-9a-f]+\.txt$/);
    }
  });

  it('keeps the metadata read from the scrapes and the hand-written headline of 001', () => {
    const byId = new Map(corpus.articles.map((a) => [a.id, a]));
    expect(byId.get('un-osce-astana-2010')).toMatchObject({ outlet: 'TTXVN/Vietnam+', publishedAt: null });
    expect(byId.get('un-osce-astana-2010')!.title).not.toMatch(/^Ngày 1\/12/);
    expect(byId.get('quan-he-doi-thoai-asean-lien-hop-quoc')!.publishedAt).toBe('2020-10-30T11:57');
    expect(byId.get('dai-hoi-dong-lien-hop-quoc-thong-qua-nghi-quyet-hop-tac')).toMatchObject({
      outlet: 'VOV',
      publishedAt: '2020-11-24T01:11',
    });
    const fromSeed002 = corpus.articles.filter((a) => a.originalFile?.includes('002_'));
    expect(fromSeed002.map((a) => a.outlet).sort()).toEqual(['TPO', 'VOV', null].sort());
  });
});

describe('readCorpus on a large JSONL collection', () => {
  it('reads it line by line across read chunks: long lines whole, an over-long one as a problem, line numbers kept', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-jsonl-'));
    try {
      // Lines of 200 KB (several 64 KB read chunks each) around one of 600 KB, over a 300 KB limit.
      const row = (i: number, filler: number) => JSON.stringify({ id: `bai-${i}`, title: `Bài ${i}`, text: `Nội dung bài ${i}. ${'Câu dài. '.repeat(filler)}` });
      const lines = [row(1, 20_000), row(2, 60_000), '', row(3, 20_000), row(4, 10)];
      await fs.writeFile(path.join(dir, 'big.jsonl'), lines.join('\n')); // no newline after the last line
      const items = [];
      for await (const item of readCorpus(dir, { maxFileBytes: 300 * 1024 })) items.push(item);
      const articles = items.flatMap((x) => ('article' in x ? [[x.article.id, x.where, x.article.text.length > 100_000]] : []));
      expect(articles).toEqual([
        ['bai-1', `${path.join(dir, 'big.jsonl')}:1`, true],
        ['bai-3', `${path.join(dir, 'big.jsonl')}:4`, true],
        ['bai-4', `${path.join(dir, 'big.jsonl')}:5`, false],
      ]);
      const problems = items.flatMap((x) => ('problem' in x ? [x.problem] : []));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.file).toBe(`${path.join(dir, 'big.jsonl')}:2`);
      // Its length counted whole, though it was never held: 645 KB.
      expect(problems[0]!.message).toBe(`line is ${Math.ceil(Buffer.byteLength(lines[1]!) / 1024)} KB, over the 300 KB limit`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
