import { describe, expect, it } from 'vitest';
import { ARTICLE_ID_PATTERN, slugify, titleSlug } from './slug.js';

describe('slugify', () => {
  it('folds Vietnamese to URL-safe ASCII', () => {
    expect(slugify('Đại hội đồng Liên Hợp Quốc')).toBe('dai-hoi-dong-lien-hop-quoc');
    expect(slugify('Test_Full/Chinh tri Xa hoi/XH_VNE_T_ (7146).txt')).toBe('test-full-chinh-tri-xa-hoi-xh-vne-t-7146-txt');
    expect(slugify('---')).toBe('');
  });

  it('cuts long slugs at a word boundary', () => {
    const slug = slugify('một hai ba bốn năm sáu bảy tám chín mười', 20);
    expect(slug).toBe('mot-hai-ba-bon-nam');
    expect(ARTICLE_ID_PATTERN.test(slug)).toBe(true);
  });
});

describe('titleSlug', () => {
  it('leaves out function words, told apart by their diacritics', () => {
    expect(titleSlug('Các tổ chức khu vực và LHQ hợp tác vì hòa bình')).toBe('to-chuc-khu-vuc-lhq-hop-tac-hoa-binh');
    expect(titleSlug('xử lý thỏa đáng bất đồng')).toBe('xu-ly-thoa-dang-bat-dong');
  });
});
