import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScrape } from '../corpus/scrape.js';
import {
  cleanArticle,
  cleanArticleBody,
  extractDateline,
  extractOutletLine,
  isBoilerplateLine,
  isPhotoCaption,
  NORMALIZATION_VERSION,
  stripEndMark,
} from './clean.js';

const SEED_DIR = path.resolve(import.meta.dirname, '../../../shared/seed-articles');
const seed = (prefix: string): string => {
  const name = fs.readdirSync(SEED_DIR).find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`seed file ${prefix}* missing in ${SEED_DIR}`);
  return fs.readFileSync(path.join(SEED_DIR, name), 'utf8');
};
const paragraphs = (body: string): string[] => body.split('\n\n');
const hasDuplicates = (items: string[]): boolean => new Set(items).size !== items.length;

describe('NORMALIZATION_VERSION', () => {
  it('is a positive integer the index manifest can record', () => {
    expect(Number.isInteger(NORMALIZATION_VERSION) && NORMALIZATION_VERSION >= 1).toBe(true);
  });
});

describe('isBoilerplateLine', () => {
  it.each([
    'Video đang HOT',
    'Tin cùng chuyên mục',
    'Tin liên quan:',
    'Xem thêm',
    'Xem thêm: Thủ tướng tiếp Đại sứ Nhật Bản',
    'Bình luận (12)',
    'Chia sẻ | In bài | Gửi email',
    'Facebook Twitter Zalo',
    'Ảnh: TTXVN',
    '(Nguồn: eyeradio.org)',
    '(Ảnh minh họa)',
    '   ',
  ])('drops %j', (line) => {
    expect(isBoilerplateLine(line)).toBe(true);
  });

  it.each([
    'Theo nhà lãnh đạo ASEAN, hòa bình cần phải được liên tục nuôi dưỡng.',
    'Lưu ý: hội nghị sẽ kéo dài hai ngày.',
    'Bình luận viên Nguyễn Văn A cho rằng trận đấu rất hay.',
    'Video ghi lại toàn bộ buổi lễ đã được đăng tải trên mạng xã hội và thu hút nhiều lượt xem.',
  ])('keeps text %j', (line) => {
    expect(isBoilerplateLine(line)).toBe(false);
  });
});

describe('isPhotoCaption', () => {
  it('recognises a gallery caption with "ảnh 1" glued to it', () => {
    const line =
      'Các tổ chức khu vực và LHQ hợp tác vì hòa bình và hòa giải ảnh 1Tổng thư ký Liên hợp quốc Ban Ki-moon. (Nguồn: eyeradio.org)';
    expect(isPhotoCaption(line)).toBe(true);
  });

  it('recognises a short line ending in a photo credit', () => {
    expect(isPhotoCaption('Cuộc họp báo quốc tế sáng 18/11 về năm Chủ tịch ASEAN của Việt Nam. (Ảnh: Thu Loan)')).toBe(
      true,
    );
  });

  it('keeps a sentence that only mentions photos', () => {
    expect(isPhotoCaption('Ông cho biết ảnh 1 trong bộ sưu tập đã được bán với giá cao.')).toBe(false);
  });
});

describe('stripEndMark', () => {
  it('removes the TTXVN "/." end mark and keeps the full stop', () => {
    expect(stripEndMark('trong khu vực./.')).toBe('trong khu vực.');
    expect(stripEndMark('thông qua Nghị quyết /.')).toBe('thông qua Nghị quyết.');
    expect(stripEndMark('tỷ lệ 1/2 dân số.')).toBe('tỷ lệ 1/2 dân số.');
  });
});

describe('extractOutletLine', () => {
  it.each([
    ['(TTXVN/Vietnam+)', 'TTXVN/Vietnam+'],
    ['Theo VOV', 'VOV'],
    ['Theo Trần Khánh/VOV.VN', 'VOV'],
    ['Theo TPO', 'TPO'],
    ['Theo báo Tuổi Trẻ', 'Tuổi Trẻ'],
    ['(Theo Reuters)', 'Reuters'],
  ])('reads %j as %j', (line, outlet) => {
    expect(extractOutletLine(line)).toBe(outlet);
  });

  it.each([
    'Theo nhà lãnh đạo ASEAN, hòa bình cần phải được liên tục nuôi dưỡng.',
    'Theo ông, duy trì hòa bình là một hành động quốc gia.',
    'Theo kế hoạch',
    '(Ảnh: Thu Loan)',
    '(Còn nữa)',
  ])('does not take %j for an outlet', (line) => {
    expect(extractOutletLine(line)).toBeNull();
  });
});

describe('extractDateline', () => {
  it.each([
    ['11:57 30/10/2020', '2020-10-30T11:57'],
    ['01:11, 24/11/2020', '2020-11-24T01:11'],
    ['30/10/2020 11:57', '2020-10-30T11:57'],
    ['Thứ Sáu, 30/10/2020, 11:57 (GMT+7)', '2020-10-30T11:57'],
    ['24/11/2020', '2020-11-24'],
    ['Cập nhật: 5/1/2021', '2021-01-05'],
  ])('reads %j as %j', (line, iso) => {
    expect(extractDateline(line)).toBe(iso);
  });

  it.each(['ngày 4/5', '3-4/12', '31/02/2020', '25:00 1/1/2020', 'Ngày 4/12/2006, Đại hội đồng Liên Hợp Quốc đã thông qua Nghị quyết.'])(
    'never invents a date from %j',
    (line) => {
      expect(extractDateline(line)).toBeNull();
    },
  );
});

describe('cleanArticle', () => {
  it('keeps the first of repeated paragraphs and joins paragraphs with a blank line', () => {
    const body = cleanArticleBody('Đoạn một.\nĐoạn hai.\n\n\nĐoạn một.\n  Đoạn hai.  \nĐoạn ba.');
    expect(body).toBe('Đoạn một.\n\nĐoạn hai.\n\nĐoạn ba.');
  });

  it('drops a line that repeats a sentence of an earlier paragraph', () => {
    const lead =
      'Nghị quyết được thông qua với 110 nước đồng bảo trợ. Việt Nam là nước thay mặt ASEAN chủ trì soạn thảo nghị quyết.';
    const body = cleanArticleBody(`${lead}\nViệt Nam là nước thay mặt ASEAN chủ trì soạn thảo nghị quyết.\nĐoạn sau.`);
    expect(body).toBe(`${lead}\n\nĐoạn sau.`);
  });

  it('drops a line that repeats the title', () => {
    expect(cleanArticleBody('Tiêu đề bài báo\nNội dung.', { title: 'Tiêu đề bài báo' })).toBe('Nội dung.');
  });

  it('takes outlet and dateline out of the body into metadata', () => {
    const cleaned = cleanArticle('11:57 30/10/2020\n\nNội dung bài báo./.\n\n(TTXVN/Vietnam+)\n\nTin cùng chuyên mục');
    expect(cleaned).toEqual({ body: 'Nội dung bài báo.', outlet: 'TTXVN/Vietnam+', publishedAt: '2020-10-30T11:57' });
  });

  it('normalises tone placement and whitespace', () => {
    expect(cleanArticleBody('Hoà\u00A0 bình   và thuỷ lợi.')).toBe('Hòa bình và thủy lợi.');
  });

  it('strips inline photo and web-source credits from a paragraph', () => {
    expect(cleanArticleBody('Ông Ban Ki-moon phát biểu tại hội nghị. (Nguồn: eyeradio.org) Hội nghị kéo dài hai ngày.')).toBe(
      'Ông Ban Ki-moon phát biểu tại hội nghị. Hội nghị kéo dài hai ngày.',
    );
  });

  it('is idempotent', () => {
    const once = cleanArticleBody(seed('002'));
    expect(cleanArticleBody(once)).toBe(once);
  });
});

describe('cleaning the seed scrapes', () => {
  it('000: removes the duplicated lead, the gallery caption, "/." and the related-news box', () => {
    const parsed = parseScrape(seed('000'));
    expect(parsed.title).toBe('Các tổ chức khu vực và LHQ hợp tác vì hòa bình và hòa giải');
    expect(parsed.outlet).toBe('TTXVN/Vietnam+');
    expect(parsed.publishedAt).toBeNull();
    const paras = paragraphs(parsed.body);
    expect(hasDuplicates(paras)).toBe(false);
    expect(paras.filter((p) => p.startsWith('18 tổ chức khu vực'))).toHaveLength(1);
    expect(parsed.body).not.toMatch(/ảnh 1|eyeradio|Tin cùng chuyên mục|\/\.|TTXVN\/Vietnam\+/u);
    expect(parsed.body.endsWith('các đối tác trong khu vực.')).toBe(true);
  });

  it('001: removes the second copy of the whole article', () => {
    const parsed = parseScrape(seed('001'));
    const paras = paragraphs(parsed.body);
    expect(paras).toHaveLength(6);
    expect(hasDuplicates(paras)).toBe(false);
    expect(parsed.outlet).toBe('TTXVN/Vietnam+');
    expect(parsed.titleFromHeadline).toBe(false);
    expect(parsed.body).not.toContain('/.');
  });

  it('004: removes repeated paragraphs and pull quotes, reads the dateline and the outlet', () => {
    const parsed = parseScrape(seed('004'));
    expect(parsed.title).toBe('Đại hội đồng Liên Hợp Quốc thông qua Nghị quyết về hợp tác ASEAN-LHQ');
    expect(parsed.publishedAt).toBe('2020-11-24T01:11');
    expect(parsed.outlet).toBe('VOV');
    const paras = paragraphs(parsed.body);
    expect(hasDuplicates(paras)).toBe(false);
    expect(paras).toHaveLength(5);
    const repeated = 'Với vai trò Chủ tịch ASEAN 2020, Việt Nam là nước thay mặt ASEAN chủ trì soạn thảo';
    expect(parsed.body.split(repeated)).toHaveLength(2);
    expect(parsed.body).not.toMatch(/Theo VOV|01:11/u);
  });

  it('003: reads the dateline below the title and keeps the sub-heading', () => {
    const parsed = parseScrape(seed('003'));
    expect(parsed.title).toBe('Quan hệ đối thoại ASEAN-Liên Hợp Quốc');
    expect(parsed.publishedAt).toBe('2020-10-30T11:57');
    expect(parsed.outlet).toBeNull();
    expect(paragraphs(parsed.body)).toContain('Hợp tác giữa ASEAN và các tổ chức/cơ quan thuộc Liên Hợp Quốc');
  });
});
