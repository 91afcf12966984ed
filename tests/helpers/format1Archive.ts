import path from 'node:path';
import type { ArticleEntry } from '../../src/ingest/types.js';
import type { MergePolicy } from '../../src/store/embedded/mergePolicy.js';
import { articleEntry } from './storeEntries.js';

/**
 * An archive written by the code before segment format 2 (metadata as meta.jsonl), kept in
 * tests/fixtures: the three commits of FORMAT1_COMMITS through the writer of commit b3d1473, with
 * the test settings (TEST_SETTINGS, testWriterOptions with FORMAT1_POLICY: nothing merged, so three
 * segments and a tombstone file). Tests check that the current code reads it as it reads the same
 * commits written afresh.
 */
export const FORMAT1_ARCHIVE = path.resolve(import.meta.dirname, '../fixtures/format1-archive');

/** The merge policy the fixture was written with: no merge. */
export const FORMAT1_POLICY: MergePolicy = { mergeFactor: 10, floorPassages: 2000, maxPassages: 500_000, maxDeletedShare: 1 };

/** Varied metadata: outlets and sections with and without diacritics, missing ones, dates regular, irregular and empty, ids beyond ASCII. */
export const FORMAT1_COMMITS: Array<{ upserts: ArticleEntry[]; removals: string[] }> = [
  {
    upserts: [
      articleEntry('a0', ['Tin thế giới về Liên Hợp Quốc.', 'Câu hai về hợp tác.'], { outlet: 'VOV', section: 'Thế giới', publishedAt: '2020-05-01' }),
      articleEntry('a1', ['Kinh tế tăng trưởng mạnh.', 'Xuất khẩu gạo.'], { outlet: 'Tuổi Trẻ', section: 'Kinh tế', publishedAt: '2021-12-31T08:00:00+07:00' }),
      articleEntry('a2', ['Bóng đá Việt Nam thắng.'], { outlet: null, section: 'Thể thao', publishedAt: null }),
      articleEntry('a3', ['Một bài không có ngày rõ.'], { outlet: 'VOV', section: null, publishedAt: 'tháng 5 2020' }),
      articleEntry('bài-😀', ['Bài có biểu tượng trong mã.'], { outlet: 'Nhân Dân', section: 'Văn hóa', publishedAt: '' }),
    ],
    removals: [],
  },
  {
    upserts: [
      articleEntry('a1', ['Kinh tế tăng trưởng chậm lại.', 'Xuất khẩu cà phê.'], { outlet: 'Tuổi Trẻ', section: 'Kinh tế', publishedAt: '2022-01-02' }, undefined, 2),
      articleEntry('a5', ['Giáo dục đại học đổi mới.'], { outlet: 'VnExpress', section: 'Giáo dục', publishedAt: '2019-09-05T10:00:00Z' }),
      articleEntry('bài-\uE000', ['Mã có ký tự vùng riêng.'], { outlet: 'vov', section: 'the gioi', publishedAt: '2020-05-02' }),
    ],
    removals: ['a3'],
  },
  {
    upserts: [articleEntry('a8', ['Thời tiết Hà Nội mưa lớn.', 'Giao thông ùn tắc.'], { outlet: 'VOV', section: 'Xã hội', publishedAt: '2023-07-15' })],
    removals: [],
  },
];
