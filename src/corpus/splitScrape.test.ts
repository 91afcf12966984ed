import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScrape } from './scrape.js';
import { splitGluedHeadline, splitScrape } from './splitScrape.js';

const SEED_DIR = path.resolve(import.meta.dirname, '../../../shared/seed-articles');
const seed = (prefix: string): string => {
  const name = fs.readdirSync(SEED_DIR).find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`seed file ${prefix}* missing in ${SEED_DIR}`);
  return fs.readFileSync(path.join(SEED_DIR, name), 'utf8');
};

describe('splitScrape on seed file 002', () => {
  const parts = splitScrape(seed('002')).map(parseScrape);

  it('finds three articles', () => {
    expect(parts).toHaveLength(3);
  });

  it('1: the AURED dialogue from VOV, byline author left out', () => {
    const p = parts[0]!;
    expect(p.title).toBe('ASEAN – Liên Hợp Quốc đối thoại về hợp tác chính trị – an ninh');
    expect(p.outlet).toBe('VOV');
    expect(p.publishedAt).toBeNull(); // "3/12/2019" is in the text, but no dateline
    expect(p.body).toContain('đã khai mạc ngày 3/12/2019 tại Hà Nội');
    expect(p.body).not.toMatch(/Video đang HOT|Trần Khánh|Biển Đông/u);
    expect(p.body.endsWith('từ 3-4/12 tại Hà Nội.')).toBe(true);
  });

  it('2: the press conference on Biển Đông from TPO, photo caption removed', () => {
    const p = parts[1]!;
    expect(p.title).toBe('Việt Nam nói về việc đưa biển Đông ra ASEAN và Liên Hợp quốc');
    expect(p.outlet).toBe('TPO');
    expect(p.body).not.toMatch(/Ảnh: Thu Loan|Theo TPO/u);
    expect(p.body.startsWith('Có 5 vấn đề liên quan đến biển Đông')).toBe(true);
  });

  it('3: the trailing teaser, its headline split off the summary it was glued to', () => {
    const p = parts[2]!;
    expect(p.title).toBe('VN, TQ nhất trí kiểm soát và xử lý thỏa đáng bất đồng trên Biển Đông');
    expect(p.outlet).toBeNull();
    expect(p.body.startsWith('Hai bên nhất trí thực hiện nghiêm túc')).toBe(true);
    expect(p.body.endsWith('La Chiếu...')).toBe(true);
  });
});

describe('splitScrape', () => {
  it('keeps a single-article scrape whole and drops a trailing boilerplate-only part', () => {
    const parts = splitScrape(seed('000'));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.endsWith('(TTXVN/Vietnam+)')).toBe(true);
  });

  it('keeps an article without headline at the start (001)', () => {
    const parts = splitScrape(seed('001'));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.startsWith('Ngày 1/12, tại diễn đàn')).toBe(true);
  });

  it('drops a trailing teaser fragment in which no headline can be found', () => {
    const raw = 'Tiêu đề một\nNội dung bài một.\nTheo VOV\nmột đoạn cụt không có tiêu đề, chỉ toàn chữ thường, kéo dài mãi...';
    expect(splitScrape(raw)).toEqual(['Tiêu đề một\nNội dung bài một.\nTheo VOV']);
  });

  it('keeps a later article that has its own headline line', () => {
    const raw = 'Tiêu đề một\nNội dung một.\n(TTXVN/Vietnam+)\nTiêu đề hai\nNội dung hai.\nTheo VOV';
    expect(splitScrape(raw).map((t) => parseScrape(t).title)).toEqual(['Tiêu đề một', 'Tiêu đề hai']);
  });
});

describe('splitGluedHeadline', () => {
  it('does not cut inside a name such as "Biển Đông"', () => {
    const glued = splitGluedHeadline(
      'Hà Nội đón khách quốc tế trở lại sau dịch Nhiều điểm du lịch đã mở cửa đón khách từ tháng này. Các công ty lữ hành...',
    );
    expect(glued).toEqual({
      title: 'Hà Nội đón khách quốc tế trở lại sau dịch',
      rest: 'Nhiều điểm du lịch đã mở cửa đón khách từ tháng này. Các công ty lữ hành...',
    });
  });
});
