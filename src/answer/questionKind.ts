import { foldDiacritics, hasDiacritics, normalizeQuery } from '../text/normalize.js';

/**
 * What kind of fact a question asks for, read from its question words. The extractive answerer
 * prefers sentences that contain that kind of fact (a date for "khi nào", a number for "bao
 * nhiêu", a name for "ai").
 */
export type QuestionKind = 'time' | 'number' | 'person' | 'place' | 'other';

interface KindCue {
  kind: Exclude<QuestionKind, 'other'>;
  /** Toned cues, matched as whole words on the lower-cased question. */
  toned: string[];
  /** Folded cues for questions typed without accents; only the unambiguous ones. */
  folded: string[];
}

const CUES: KindCue[] = [
  {
    kind: 'time',
    toned: ['năm nào', 'khi nào', 'ngày nào', 'bao giờ', 'lúc nào', 'tháng nào', 'hôm nào',
      'thời điểm nào', 'thời gian nào', 'ngày bao nhiêu', 'năm bao nhiêu', 'năm mấy', 'ngày mấy',
      'tháng mấy'],
    folded: ['nam nao', 'khi nao', 'ngay nao', 'bao gio', 'luc nao', 'thang nao', 'hom nao',
      'thoi diem nao', 'thoi gian nao', 'nam may', 'ngay may', 'thang may'],
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

/** The kind of fact asked for; the first matching cue wins ("năm bao nhiêu" is a time). */
export function detectQuestionKind(question: string): QuestionKind {
  const q = normalizeQuery(question).toLowerCase();
  const toned = hasDiacritics(q);
  const text = toned ? q : foldDiacritics(q);
  for (const cue of CUES) {
    const phrases = toned ? cue.toned : cue.folded;
    if (phrases.some((p) => containsWords(text, p))) return cue.kind;
  }
  return 'other';
}

const DATE_PATTERN =
  /(?<![\p{L}\p{N}])(?:\d{1,2}\s*[/-]\s*\d{1,2}(?:\s*[/-]\s*\d{2,4})?|(?:19|20)\d{2}|(?:ngày|tháng|năm|quý|thế kỷ)\s+\d{1,4})(?![\p{L}\p{N}])/iu;
const NUMBER_WORDS =
  /(?<![\p{L}])(?:hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|tỉ|hàng chục|hàng trăm)(?![\p{L}])/iu;
const TITLES =
  '(?:ông|bà|Thứ trưởng|Bộ trưởng|Thủ tướng|Chủ tịch|Tổng Thư ký|Tổng thư ký|Đại sứ|Trợ lý|Phó|Giám đốc|Tổng Giám đốc|Trưởng|Phát ngôn viên|Ngoại trưởng|Tổng thống|Thượng nghị sĩ|Giáo sư|Tiến sĩ|TS|GS|PGS)';
const SURNAMES =
  '(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trịnh|Mai|Đào|Lương|Tô|Hà|Trương|Lâm|Tạ)';
const CAP = '\\p{Lu}[\\p{L}\\p{M}]*(?:-[\\p{L}\\p{M}]+)?';
const PERSON_AFTER_TITLE = new RegExp(`${TITLES}(?:\\s+[\\p{L}\\p{M}]+){0,4}?\\s+${CAP}(?:\\s+${CAP}){1,3}`, 'u');
/** Places that begin with a surname. */
const NOT_PEOPLE = '(?!Hà Nội|Hà Tĩnh|Hà Giang|Hà Nam|Lâm Đồng|Lý Sơn|Hồ Gươm|Hồ Tây|Hồ Chí Minh)';
const PERSON_BY_SURNAME = new RegExp(`(?<![\\p{L}])${NOT_PEOPLE}${SURNAMES}(?:\\s+${CAP}){1,3}`, 'u');
const PLACE_PATTERN = new RegExp(`(?<![\\p{L}])(?:tại|ở)\\s+${CAP}`, 'u');

/** Whether a sentence holds the kind of fact the question asks for. */
export function sentenceHasKind(sentence: string, kind: QuestionKind): boolean {
  switch (kind) {
    case 'time':
      return DATE_PATTERN.test(sentence);
    case 'number':
      return /\d/.test(sentence) || NUMBER_WORDS.test(sentence);
    case 'person':
      return PERSON_AFTER_TITLE.test(sentence) || PERSON_BY_SURNAME.test(sentence);
    case 'place':
      return PLACE_PATTERN.test(sentence);
    case 'other':
      return false;
  }
}
