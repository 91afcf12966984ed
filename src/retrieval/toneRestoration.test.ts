import { describe, expect, it } from 'vitest';
import { TEST_SETTINGS, articleEntry, unit } from '../../tests/helpers/storeEntries.js';
import { loadConfig } from '../config/config.js';
import { makeMemorySnapshot } from '../store/memory.js';
import { hybridSettingsFromConfig, makeHybridSearch } from './hybrid.js';
import { restoreTones } from './toneRestoration.js';

const ARTICLES = () => [
    articleEntry('a', ['Hiệp hội các quốc gia Đông Nam Á lập quan hệ đối tác với Liên Hợp Quốc năm 2007.', 'Cơ chế hợp tác có ba cấp.']),
    articleEntry('b', ['Việt Nam có nhiều sáng kiến.', 'Hội nghị có sự tham gia của các nước.', 'Có thể có thêm cơ hội.']),
    articleEntry('c', ['Cơ chế mới được thông qua tại Hà Nội.', 'Ông có mặt tại hội nghị.']),
];

async function archiveIdf() {
  const snapshot = await makeMemorySnapshot(TEST_SETTINGS, ARTICLES());
  return (terms: readonly string[]) => snapshot.termIdf(terms);
}

describe('restoreTones', () => {
  it('puts back the diacritics of a question typed without them, from the words of the archive', async () => {
    const termIdf = await archiveIdf();
    expect(await restoreTones('Hiep hoi cac quoc gia Dong Nam A lap quan he voi Lien Hop Quoc nam 2007?', termIdf)).toBe(
      'Hiệp hội các quốc gia Đông Nam Á lập quan hệ với Liên Hợp Quốc năm 2007?',
    );
  });

  it('chooses the two-syllable word the archive uses over a commoner syllable ("cơ chế", not "có chế")', async () => {
    const termIdf = await archiveIdf();
    expect(await restoreTones('co che hop tac', termIdf)).toBe('cơ chế hợp tác');
    expect(await restoreTones('ong co mat', termIdf)).toBe('ông có mặt');
  });

  it('keeps words typed with diacritics, and words the archive never spells, as typed', async () => {
    const termIdf = await archiveIdf();
    // "ở" and "Zanzibar" are in none of its articles.
    expect(await restoreTones('Cơ che moi o Zanzibar', termIdf)).toBe('Cơ chế mới o Zanzibar');
    // A word the archive spells the same keeps the case it was typed in.
    expect(await restoreTones('Viet Nam va ASEAN', termIdf)).toBe('Việt Nam va ASEAN');
    expect(await restoreTones('Co che ASEAN', termIdf)).toBe('Cơ chế ASEAN');
  });
});

describe('restoreTones and question words', () => {
  it('spells question words as a question does, though the archive writes other words far more often', async () => {
    const snapshot = await makeMemorySnapshot(TEST_SETTINGS, [
      articleEntry('n', ['Có nhiều sáng kiến và nhiều cơ hội ở nhiều nơi.', 'Hội nghị diễn ra tại Hà Nội, ở đầu năm.']),
    ]);
    const termIdf = (terms: readonly string[]) => snapshot.termIdf(terms);
    expect(await restoreTones('co bao nhieu sang kien', termIdf)).toBe('có bao nhiêu sáng kiến');
    expect(await restoreTones('hoi nghi dien ra o dau', termIdf)).toBe('hội nghị diễn ra ở đâu');
    // Outside a question phrase the archive still decides.
    expect(await restoreTones('co nhieu co hoi', termIdf)).toBe('có nhiều cơ hội');
  });

  it('reads a question\'s closing "do", "nay" as pointing back, and an opening "ai" as who, though news writes "do", "nay", "ái" more', async () => {
    const snapshot = await makeMemorySnapshot(TEST_SETTINGS, [
      articleEntry('p', [
        'Nghiên cứu do Đại học Keio thực hiện, do nhiều nhà khoa học tham gia.',
        'Hiện nay, đến nay và năm nay vẫn vậy.',
        'Ái của viện khảo cổ nói về phát hiện.',
        'Có thể còn thì sao đó này ai.',
      ]),
    ]);
    const termIdf = (terms: readonly string[]) => snapshot.termIdf(terms);
    expect(await restoreTones('nghien cuu do?', termIdf)).toBe('nghiên cứu đó?');
    expect(await restoreTones('ai cua vien khao co noi ve phat hien nay?', termIdf)).toBe('ai của viện khảo cổ nói về phát hiện này?');
    // "hiện nay", "đến nay" mean now; inside the question "do" is still the archive's choice.
    expect(await restoreTones('hien nay', termIdf)).toBe('hiện nay');
    expect(await restoreTones('den nay', termIdf)).toBe('đến nay');
    expect(await restoreTones('nghien cuu do dai hoc keio', termIdf)).toBe('nghiên cứu do đại học keio');
    expect(await restoreTones('the con con chuot?', termIdf)).toMatch(/^thế còn/);
  });
});

describe('the hybrid search with tone restoration', () => {
  async function embeddedTexts(restore: boolean, query: string): Promise<string[]> {
    const snapshot = await makeMemorySnapshot(TEST_SETTINGS, ARTICLES());
    const embedded: string[] = [];
    const settings = { ...hybridSettingsFromConfig(loadConfig({ RETRIEVAL_RESTORE_TONES: String(restore) })), k: 2 };
    const search = makeHybridSearch(
      {
        snapshot: () => snapshot,
        embedQuery: async (text) => {
          embedded.push(text);
          return Array.from(unit(1, TEST_SETTINGS.dimensions));
        },
      },
      settings,
    );
    const { results } = await search.search(query);
    expect(results.length).toBeGreaterThan(0);
    return embedded;
  }

  async function restoredQuery(query: string): Promise<string | undefined> {
    const snapshot = await makeMemorySnapshot(TEST_SETTINGS, ARTICLES());
    const settings = { ...hybridSettingsFromConfig(loadConfig({ RETRIEVAL_RESTORE_TONES: 'true' })), k: 2 };
    const search = makeHybridSearch({ snapshot: () => snapshot, embedQuery: async () => Array.from(unit(1, TEST_SETTINGS.dimensions)) }, settings);
    return (await search.search(query)).restoredQuery;
  }

  it('says how it read a toneless question, so the answer reads what it asks from the same words', async () => {
    expect(await restoredQuery('co che hop tac')).toBe('cơ chế hợp tác');
    expect(await restoredQuery('Cơ chế hợp tác có mấy cấp')).toBeUndefined();
  });

  it('embeds a toneless question with its diacritics put back, and a toned one as typed', async () => {
    expect(await embeddedTexts(true, 'co che hop tac co may cap')).toEqual(['cơ chế hợp tác có may cấp']); // "mấy" is in none of its articles
    expect(await embeddedTexts(true, 'Cơ chế hợp tác có mấy cấp')).toEqual(['Cơ chế hợp tác có mấy cấp']);
    expect(await embeddedTexts(false, 'co che hop tac co may cap')).toEqual(['co che hop tac co may cap']);
  });
});
