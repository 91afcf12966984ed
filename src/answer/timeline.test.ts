import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../retrieval/types.js';
import { asksForTimeline, buildTimeline, checkTimelineReply, timelineTopic } from './timeline.js';

function passage(documentId: string, publishedAt: string | null, title: string, text: string, score = 0.8): SearchResult {
  return { text, score, documentId, title, outlet: 'VOV', publishedAt, chunkId: `${documentId}#0`, start: 100, end: 100 + text.length };
}

const started = passage(
  'khoi-cong',
  '2016-05-12',
  'Khởi công cầu Phú Lâm',
  'Ngày 12/5/2016, tỉnh Nghệ An khởi công xây dựng cầu Phú Lâm bắc qua sông Lam. Theo kế hoạch, cầu Phú Lâm sẽ hoàn thành vào năm 2019 như dự kiến.',
);
const opened = passage('thong-xe', '2019-09-02', 'Thông xe cầu Phú Lâm', 'Ngày 2/9/2019, cầu Phú Lâm chính thức thông xe sau hơn ba năm thi công.');
const undated = passage('mo-rong', '2020-06-15', 'Mở rộng cầu Phú Lâm', 'Cầu Phú Lâm sẽ được mở rộng thêm hai làn xe cho người dân đi lại.');
const offTopic = passage('khac', '2010-01-01', 'Giá vàng', 'Ngày 1/1/2010, giá vàng tăng mạnh trên thị trường thế giới.', 0.2);

describe('timeline questions', () => {
  it('are recognised toned and toneless, and searched for their topic', () => {
    expect(asksForTimeline('Diễn biến dự án cầu Phú Lâm qua các năm?')).toBe(true);
    expect(asksForTimeline('cac moc quan he asean lhq')).toBe(true);
    expect(asksForTimeline('Lịch sử quan hệ ASEAN – Liên Hợp Quốc?')).toBe(true);
    expect(asksForTimeline('Cầu Phú Lâm dài bao nhiêu?')).toBe(false);
    expect(timelineTopic('Diễn biến dự án cầu Phú Lâm qua các năm?')).toBe('dự án cầu Phú Lâm ?');
  });
});

describe('buildTimeline', () => {
  it('lists one cited line per dated event, oldest first, from every article on the topic', () => {
    const t = buildTimeline('Diễn biến xây dựng cầu Phú Lâm?', [opened, undated, started, offTopic]);
    expect(t.grounded).toBe(true);
    expect(t.events.map((e) => [e.label, e.published])).toEqual([
      ['12/05/2016', false],
      ['02/09/2019', false],
      ['15/06/2020', true],
    ]);
    const lines = t.answer.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^12\/05\/2016: Ngày 12\/5\/2016, tỉnh Nghệ An khởi công .* \[\d\]\.$/);
    // Each line's marker points at the citation of the passage that holds the sentence.
    for (const e of t.events) {
      const c = t.citations.find((x) => x.n === e.n)!;
      expect(c.snippet).toContain(e.text);
    }
    expect(t.citations.map((c) => c.documentId).sort()).toEqual(['khoi-cong', 'mo-rong', 'thong-xe']);
  });

  it('leaves out plans dated after their article and passages about something else', () => {
    const t = buildTimeline('Diễn biến xây dựng cầu Phú Lâm?', [started, offTopic]);
    expect(t.events.map((e) => e.from)).toEqual(['2016-05-12']);
  });

  it('has nothing to say when no passage is about the question', () => {
    expect(buildTimeline('Diễn biến giá xăng dầu?', [opened]).grounded).toBe(false);
  });
});

describe('checkTimelineReply (a language model\'s timeline)', () => {
  const t = buildTimeline('Diễn biến xây dựng cầu Phú Lâm?', [opened, undated, started, offTopic]);
  const n = (doc: string) => t.citations.find((c) => c.documentId === doc)!.n;
  const good = [
    `- 12/5/2016: Nghệ An khởi công cầu Phú Lâm qua sông Lam [${n('khoi-cong')}].`,
    `- **02/09/2019**: Cầu Phú Lâm thông xe sau hơn ba năm thi công [${n('thong-xe')}].`,
    `- 15/06/2020: Cầu sẽ được mở rộng thêm hai làn xe [${n('mo-rong')}].`,
  ];

  it('accepts one line per event that keeps its date (written either way) and its citation', () => {
    const checked = checkTimelineReply(good.join('\n'), t);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.answer.split('\n')[0]).toBe(`12/5/2016: Nghệ An khởi công cầu Phú Lâm qua sông Lam [${n('khoi-cong')}].`);
    expect(checked.citations.map((c) => c.documentId).sort()).toEqual(['khoi-cong', 'mo-rong', 'thong-xe']);
  });

  it('rejects a line without its date, without a citation, or citing a source it was not given', () => {
    const noDate = good.with(1, `- Cầu Phú Lâm thông xe sau hơn ba năm thi công [${n('thong-xe')}].`);
    expect(checkTimelineReply(noDate.join('\n'), t)).toMatchObject({ ok: false, reason: expect.stringMatching(/line 2 keeps no date/) });
    const noCitation = good.with(2, '- 15/06/2020: Cầu sẽ được mở rộng thêm hai làn xe.');
    expect(checkTimelineReply(noCitation.join('\n'), t)).toMatchObject({ ok: false, reason: expect.stringMatching(/line 3 cites no source/) });
    const invented = good.with(0, '- 12/05/2016: Nghệ An khởi công cầu Phú Lâm [9].');
    expect(checkTimelineReply(invented.join('\n'), t)).toMatchObject({ ok: false, reason: expect.stringMatching(/\[9\]/) });
  });

  it('rejects a date moved to another event, a dropped event, lines out of order, and a preamble', () => {
    const wrongDate = good.with(1, `- 2018: Cầu Phú Lâm thông xe [${n('thong-xe')}].`);
    expect(checkTimelineReply(wrongDate.join('\n'), t).ok).toBe(false);
    expect(checkTimelineReply(good.slice(0, 2).join('\n'), t)).toMatchObject({ ok: false, reason: expect.stringMatching(/15\/06\/2020.*dropped/) });
    expect(checkTimelineReply([good[1], good[0], good[2]].join('\n'), t)).toMatchObject({ ok: false, reason: expect.stringMatching(/order/) });
    expect(checkTimelineReply(['Dưới đây là dòng thời gian:', ...good].join('\n'), t).ok).toBe(false);
  });
});
