import { foldDiacritics, hasDiacritics, normalizeQuery } from '../text/normalize.js';

/**
 * What kind of fact a question asks for, read from its question words. The extractive answerer
 * prefers sentences that contain that kind of fact (a date for "khi nào", a number for "bao
 * nhiêu", a name for "ai").
 */
export type QuestionKind = 'abbreviation' | 'time' | 'number' | 'person' | 'place' | 'other';

interface KindCue {
  kind: Exclude<QuestionKind, 'other'>;
  /** Toned cues, matched as whole words on the lower-cased question. */
  toned: string[];
  /** Folded cues for questions typed without accents; only the unambiguous ones. */
  folded: string[];
}

/** Questions after a span of years ("nhiệm kỳ nào" → 2020-2021), a kind of time question. */
const PERIOD_CUES = {
  toned: ['nhiệm kỳ nào', 'giai đoạn nào', 'thời kỳ nào', 'niên khóa nào', 'nhiệm kỳ bao nhiêu'],
  folded: ['nhiem ky nao', 'giai doan nao', 'thoi ky nao', 'nien khoa nao'],
};

const CUES: KindCue[] = [
  {
    // "Tên viết tắt của … là gì?": a bracketed abbreviation after the name answers it.
    kind: 'abbreviation',
    toned: ['viết tắt', 'tên tắt'],
    folded: ['viet tat', 'ten tat'],
  },
  {
    kind: 'time',
    toned: ['năm nào', 'khi nào', 'ngày nào', 'bao giờ', 'lúc nào', 'tháng nào', 'hôm nào',
      'thời điểm nào', 'thời gian nào', 'ngày bao nhiêu', 'năm bao nhiêu', 'năm mấy', 'ngày mấy',
      'tháng mấy', ...PERIOD_CUES.toned],
    folded: ['nam nao', 'khi nao', 'ngay nao', 'bao gio', 'luc nao', 'thang nao', 'hom nao',
      'thoi diem nao', 'thoi gian nao', 'nam may', 'ngay may', 'thang may', ...PERIOD_CUES.folded],
  },
  {
    kind: 'number',
    toned: ['bao nhiêu', 'mấy', 'số lượng'],
    folded: ['bao nhieu', 'so luong'],
  },
  {
    kind: 'person',
    toned: ['ai', 'người nào', 'vị nào', 'những ai'],
    folded: ['ai', 'nguoi nao', 'vi nao'],
  },
  {
    kind: 'place',
    toned: ['ở đâu', 'tại đâu', 'nơi nào', 'đâu', 'địa điểm nào', 'thành phố nào', 'nước nào',
      'quốc gia nào'],
    folded: ['o dau', 'tai dau', 'noi nao', 'dia diem nao', 'thanh pho nao', 'nuoc nao',
      'quoc gia nao'],
  },
];

function containsWords(haystack: string, phrase: string): boolean {
  const words = haystack.split(/[^\p{L}\p{M}\p{N}]+/u).filter((w) => w.length > 0);
  const target = phrase.split(' ');
  for (let i = 0; i + target.length <= words.length; i++) {
    if (target.every((t, j) => words[i + j] === t)) return true;
  }
  return false;
}

function questionText(question: string): { text: string; toned: boolean } {
  const q = normalizeQuery(question).toLowerCase();
  const toned = hasDiacritics(q);
  return { text: toned ? q : foldDiacritics(q), toned };
}

/** The kind of fact asked for; the first matching cue wins ("năm bao nhiêu" is a time). */
export function detectQuestionKind(question: string): QuestionKind {
  const { text, toned } = questionText(question);
  for (const cue of CUES) {
    const phrases = toned ? cue.toned : cue.folded;
    if (phrases.some((p) => containsWords(text, p))) return cue.kind;
  }
  return 'other';
}

/** Whether the question asks for a span of years ("nhiệm kỳ nào") rather than a single date. */
export function asksForPeriod(question: string): boolean {
  const { text, toned } = questionText(question);
  return (toned ? PERIOD_CUES.toned : PERIOD_CUES.folded).some((p) => containsWords(text, p));
}

/** Words that ask for the state of things now: the answer must say how old its source is. */
const CURRENT_CUES = {
  toned: ['hôm nay', 'hiện nay', 'hiện tại', 'mới nhất', 'bây giờ', 'lúc này', 'năm nay', 'hiện giờ'],
  folded: ['hom nay', 'hien nay', 'hien tai', 'moi nhat', 'bay gio', 'luc nay', 'nam nay', 'hien gio'],
};

/** Whether the question asks about now ("giá vàng hôm nay", "hiện nay có bao nhiêu …"). */
export function asksAboutNow(question: string): boolean {
  const { text, toned } = questionText(question);
  return (toned ? CURRENT_CUES.toned : CURRENT_CUES.folded).some((p) => containsWords(text, p));
}
