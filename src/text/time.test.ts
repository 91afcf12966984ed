import { describe, expect, it } from 'vitest';
import { datesIn, eventDateOf, likelyYearOf, readTime, todayInVietnam, withoutTimeWords } from './time.js';

const REF = '2020-11-24'; // a Tuesday
const period = (q: string, ref = REF) => {
  const p = readTime(q, ref).period;
  return p ? [p.from, p.to] : null;
};

describe('readTime: explicit periods', () => {
  it('reads years, ranges, months and days, toned and toneless alike', () => {
    expect(period('Năm 2019 ASEAN đã làm gì?')).toEqual(['2019-01-01', '2019-12-31']);
    expect(period('nam 2019 asean da lam gi')).toEqual(['2019-01-01', '2019-12-31']);
    expect(period('Từ 2018 đến 2020 Liên Hợp Quốc làm gì?')).toEqual(['2018-01-01', '2020-12-31']);
    expect(period('tu nam 2018 den nam 2020 lhq lam gi')).toEqual(['2018-01-01', '2020-12-31']);
    expect(period('Giai đoạn 2016-2020 có những gì?')).toEqual(['2016-01-01', '2020-12-31']);
    expect(period('Tháng 11/2020 có sự kiện gì?')).toEqual(['2020-11-01', '2020-11-30']);
    expect(period('thang 2 nam 2020')).toEqual(['2020-02-01', '2020-02-29']);
    expect(period('Ngày 4/12/2006 diễn ra sự kiện gì?')).toEqual(['2006-12-04', '2006-12-04']);
    expect(period('Đầu năm 2020')).toEqual(['2020-01-01', '2020-03-31']);
    expect(period('cuoi nam 2019')).toEqual(['2019-10-01', '2019-12-31']);
    expect(readTime('Năm 2019 ASEAN đã làm gì?', REF).period?.text).toBe('Năm 2019');
  });

  it('reads the first or last months of a year and its quarters, not the whole year or its first quarter', () => {
    expect(period('Kim ngạch trong 6 tháng đầu năm 2004 đạt bao nhiêu?')).toEqual(['2004-01-01', '2004-06-30']);
    expect(period('vi sao xuat khau nua dau nam 2004 tang')).toEqual(['2004-01-01', '2004-06-30']);
    expect(period('Sáu tháng cuối năm 2005 thì sao?')).toEqual(['2005-07-01', '2005-12-31']);
    expect(period('3 tháng cuối năm 2005')).toEqual(['2005-10-01', '2005-12-31']);
    expect(period('Doanh số quý IV/2005 là bao nhiêu?')).toEqual(['2005-10-01', '2005-12-31']);
    expect(period('doanh so quy 2 nam 2019')).toEqual(['2019-04-01', '2019-06-30']);
  });

  it('resolves a day or month without a year to the latest one on or before the reference', () => {
    expect(period('Ngày 23/11 Đại hội đồng thông qua gì?')).toEqual(['2020-11-23', '2020-11-23']);
    expect(period('Ngày 23/11 Đại hội đồng thông qua gì?', '2021-03-01')).toEqual(['2020-11-23', '2020-11-23']);
    expect(period('Tháng 12 có gì?')).toEqual(['2019-12-01', '2019-12-31']);
    expect(period('Cuối năm có gì?')).toEqual(['2020-10-01', '2020-12-31']);
  });
});

describe('readTime: relative periods and recency', () => {
  it('resolves relative expressions against the reference date', () => {
    expect(period('Hôm qua có tin gì?')).toEqual(['2020-11-23', '2020-11-23']);
    expect(period('Tuần trước ASEAN nói gì?')).toEqual(['2020-11-16', '2020-11-22']);
    expect(period('tuan nay')).toEqual(['2020-11-23', '2020-11-24']);
    expect(period('Tháng này có gì?')).toEqual(['2020-11-01', '2020-11-24']);
    expect(period('Tháng trước có gì?', '2021-01-10')).toEqual(['2020-12-01', '2020-12-31']);
    expect(period('Năm ngoái LHQ làm gì?')).toEqual(['2019-01-01', '2019-12-31']);
    expect(period('nam nay')).toEqual(['2020-01-01', '2020-11-24']);
    expect(period('Hai năm trước LHQ làm gì?')).toEqual(['2018-01-01', '2018-12-31']);
  });

  it('says how each period was read: from a written year, a guessed year, or today', () => {
    expect(readTime('Năm 2019 ASEAN làm gì?', REF).anchor).toBe('calendar');
    expect(readTime('ngay 10/7 nga tieu huy bao nhieu gia cam', REF).anchor).toBe('inferred');
    expect(readTime('Giá dầu cuối tháng 10 thế nào?', REF).anchor).toBe('inferred');
    expect(readTime('Tuần trước ASEAN nói gì?', REF).anchor).toBe('relative');
    expect(readTime('ASEAN làm gì?', REF).anchor).toBeNull();
  });

  it('reads no period in "bao nhiêu năm trước" (how long ago) nor in "năm nay bao nhiêu tuổi" (an age)', () => {
    expect(readTime('Tấm bia mới đào được có từ bao nhiêu năm trước?', REF).period).toBeNull();
    expect(readTime('hoa thach co tu may nam truoc', REF).period).toBeNull();
    expect(readTime('Ông ấy năm nay bao nhiêu tuổi?', REF).period).toBeNull();
    expect(period('Năm nay giá vàng tăng bao nhiêu?')).toEqual(['2020-01-01', '2020-11-24']);
    expect(period('Ba năm trước LHQ làm gì?')).toEqual(['2017-01-01', '2017-12-31']);
  });

  it('does not count "trước đó" (before the event just named) back from today', () => {
    expect(readTime('Tháng trước đó vì sao OPEC cắt giảm sản lượng?', REF).period).toBeNull();
    expect(readTime('nam truoc do doi bong xep thu may', REF).period).toBeNull();
  });

  it('reads "mới nhất", "gần nhất", "lần trước" as a preference for recent news, without a period', () => {
    expect(readTime('Tin mới nhất về ASEAN?', REF)).toEqual({ period: null, anchor: null, recency: true });
    expect(readTime('Giá vàng hôm nay bao nhiêu?', REF)).toEqual({ period: null, anchor: null, recency: true });
    expect(readTime('gia vang hom nay', REF)).toEqual({ period: null, anchor: null, recency: true });
    expect(readTime('tin moi nhat ve asean', REF)).toEqual({ period: null, anchor: null, recency: true });
    expect(readTime('Hội nghị gần nhất ở đâu?', REF).recency).toBe(true);
    expect(readTime('Lần trước họ gặp nhau khi nào?', REF).recency).toBe(true);
    expect(readTime('Gần đây ASEAN làm gì?', REF)).toMatchObject({ recency: true, period: { from: '2020-10-25', to: REF } });
    expect(readTime('ASEAN làm gì?', REF).recency).toBe(false);
  });
});

describe('readTime: numbers that are not periods', () => {
  it('leaves names, identifiers and questions about a year alone', () => {
    expect(period('Việt Nam làm gì trong năm Chủ tịch ASEAN 2020?')).toBeNull();
    expect(period('Chủ tịch ASEAN 2020 là ai?')).toBeNull();
    expect(period('Nghị quyết Res/61/44 nói gì?')).toBeNull();
    expect(period('COVID-19 ảnh hưởng thế nào?')).toBeNull();
    expect(period('Kế hoạch 2016-2020 gồm những gì?')).toBeNull();
    expect(period('Kế hoạch hành động ASEAN-Liên Hiệp Quốc giai đoạn 2021-2025 được nhắc đến trong dịp nào?')).toBeNull();
    expect(period('chien luoc phat trien nam 2030 la gi')).toBeNull();
    expect(period('ASEAN và UNDP lập quan hệ năm nào?')).toBeNull();
    expect(period('asean va undp lap quan he nam nao')).toBeNull();
    expect(period('Việt Nam 2020 thế nào?')).toBeNull();
    expect(period('viet nam 2020 the nao')).toBeNull();
    expect(period('Số 12/2019 quy định gì?')).toBeNull();
  });

  it('does not take "Nam" (south, a name) for "năm" in a toned question', () => {
    expect(period('Miền Nam 2019 ra sao?')).toBeNull();
    expect(period('Đội tuyển nam 2019 thế nào?')).toBeNull();
  });
});

describe('dates in article text', () => {
  it('finds full dates, months and years, but not identifiers', () => {
    const text = 'Ngày 4/12/2006, Đại hội đồng thông qua Nghị quyết Res/61/44; kế hoạch 2016-2020; tháng 11/2020 và năm 1977.';
    expect(datesIn(text).map((d) => [d.from, d.to, d.precision])).toEqual([
      ['2006-12-04', '2006-12-04', 'day'],
      ['2020-11-01', '2020-11-30', 'month'],
      ['1977-01-01', '1977-12-31', 'year'],
    ]);
  });

  it('gives a day without a year the article\'s year', () => {
    expect(datesIn('Ngày 23/11, Đại hội đồng thông qua nghị quyết.', 2020)[0]).toMatchObject({ from: '2020-11-23', precision: 'day' });
    expect(datesIn('Ngày 23/11, Đại hội đồng thông qua nghị quyết.')).toEqual([]);
  });

  it('reads half-years and quarters, written or of the article\'s year, and years relative to the article\'s', () => {
    const spans = (text: string, year?: number) => datesIn(text, year).map((d) => [d.from, d.to]);
    expect(spans('Kim ngạch 6 tháng đầu năm 2004 và quý IV/2005 tăng.')).toEqual([
      ['2004-01-01', '2004-06-30'],
      ['2005-10-01', '2005-12-31'],
    ]);
    expect(spans('6 tháng đầu năm, kim ngạch tăng 17% so với cùng kỳ năm ngoái; năm tới sẽ chậm lại.', 2004)).toEqual([
      ['2004-01-01', '2004-06-30'],
      ['2003-01-01', '2003-12-31'],
      ['2005-01-01', '2005-12-31'],
    ]);
    // Without the article's year these name no year; a span back, several years, the south are none.
    expect(spans('6 tháng đầu năm, kim ngạch tăng so với năm ngoái.')).toEqual([]);
    expect(spans('Hai năm trước, những năm trước đó, miền Nam nay đã khác.', 2004)).toEqual([]);
  });

  it('takes the year an undated text names most as the one it speaks from, not a comparison\'s base', () => {
    expect(likelyYearOf('6 tháng đầu năm, xuất khẩu tăng 25% so với cùng kỳ năm 2003. Năm 2004 sẽ đạt 350 triệu USD, tăng so với năm 2003.')).toBe(2004);
    expect(likelyYearOf('Trong quý IV/2005 tăng 15%, cả năm 2005 tăng 15,8%; năm 2009 sẽ đạt 300 triệu.')).toBe(2005);
    expect(likelyYearOf('Không có năm nào ở đây.')).toBeUndefined();
  });

  it('takes a sentence\'s date as its event\'s when the sentence ties them, else none', () => {
    expect(eventDateOf('Năm 1977, ASEAN và UNDP chính thức lập quan hệ đối tác.', null)?.from).toBe('1977-01-01');
    expect(eventDateOf('Hội nghị diễn ra ngày 3/12/2019 tại Hà Nội.', null)?.from).toBe('2019-12-03');
    expect(eventDateOf('Ngày 23/11, Đại hội đồng LHQ thông qua Nghị quyết.', '2020-11-24T01:11')?.from).toBe('2020-11-23');
    expect(eventDateOf('Quan hệ hai bên ngày càng phát triển.', '2020-11-24')).toBeNull();
  });
});

it('knows today in Vietnam (UTC+7)', () => {
  expect(todayInVietnam(new Date('2020-11-23T18:00:00Z'))).toBe('2020-11-24');
});

describe('withoutTimeWords', () => {
  it('leaves out the period and the recency words, keeps the rest', () => {
    const q = 'Năm 2019 cầu Phú Lâm có sự kiện gì?';
    expect(withoutTimeWords(q, readTime(q, REF))).toBe('cầu Phú Lâm có sự kiện gì?');
    const r = 'Tin mới nhất về cầu Phú Lâm?';
    expect(withoutTimeWords(r, readTime(r, REF))).toBe('về cầu Phú Lâm?');
    const t = 'tuan truoc cau phu lam co tin gi';
    expect(withoutTimeWords(t, readTime(t, REF))).toBe('cau phu lam co tin gi');
    const bare = 'Tin mới nhất?';
    expect(withoutTimeWords(bare, readTime(bare, REF))).toBe('Tin mới nhất?');
  });
});
