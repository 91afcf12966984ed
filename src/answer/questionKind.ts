import { foldDiacritics, hasDiacritics, normalizeQuery } from '../text/normalize.js';
import { containsPhrase, phraseStarts, wordsOf } from '../text/words.js';

/**
 * What kind of fact a question asks for, read from its question words. The extractive answerer
 * prefers sentences that contain that kind of fact (a date for "khi nào", a number for "bao
 * nhiêu", a name for "ai").
 */
export type QuestionKind =
  | 'abbreviation'
  | 'time'
  | 'duration'
  | 'number'
  | 'reason'
  | 'person'
  | 'organisation'
  | 'place'
  | 'name'
  | 'other';

interface KindCue {
  kind: Exclude<QuestionKind, 'other'>;
  /** Toned cues, matched as whole words on the lower-cased question. */
  toned: string[];
  /** Folded cues for questions typed without accents; only the unambiguous ones. */
  folded: string[];
  /** Nouns that ask for this kind when "nào" follows within a few words ("Tổng thư ký ASEAN nào"). */
  heads?: readonly string[];
}

/** "<head> … nào" with at most this many words between: "Tổng thư ký ASEAN nào", "trường đại học nào". */
const HEAD_GAP = 2;

function asksWhichOf(text: string, toned: boolean, heads: readonly string[]): boolean {
  const words = wordsOf(text);
  const which = toned ? 'nào' : 'nao';
  return heads.some((head) => {
    const target = toned ? head : foldDiacritics(head);
    const length = target.split(' ').length;
    return phraseStarts(words, target).some((i) => words.slice(i + length, i + length + HEAD_GAP + 1).includes(which));
  });
}

/** Titles of people: "<title> nào" asks who holds it. */
const PERSON_TITLES = ['tổng thư ký', 'thư ký', 'bộ trưởng', 'thứ trưởng', 'chủ tịch', 'tổng thống', 'thủ tướng',
  'giám đốc', 'hlv', 'huấn luyện viên', 'cầu thủ', 'tiền đạo', 'thủ môn', 'ca sĩ', 'diễn viên', 'đạo diễn', 'nhà văn',
  'tác giả', 'luật sư', 'bác sĩ', 'giáo sư', 'tiến sĩ', 'nhà khoa học', 'đại sứ', 'ngoại trưởng', 'vận động viên',
  'tay vợt', 'võ sĩ', 'bị cáo', 'nghệ sĩ', 'nhạc sĩ', 'họa sĩ', 'phóng viên', 'chuyên gia', 'lãnh đạo'];

/** Kinds of publication, a kind of organisation: "đăng trên tạp chí nào" asks for one by name. */
const PUBLICATION_NOUNS = ['tạp chí', 'báo', 'tờ báo', 'hãng tin', 'nhà xuất bản'];

/** Kinds of organisation: "<noun> nào" asks for one by name. */
const ORGANISATION_NOUNS = ['hãng', ...PUBLICATION_NOUNS, 'công ty', 'doanh nghiệp', 'tập đoàn', 'ngân hàng', 'tổ chức', 'cơ quan', 'trường',
  'đại học', 'viện', 'bệnh viện', 'đội', 'câu lạc bộ', 'clb', 'đài', 'bộ', 'tòa án', 'nhà sản xuất', 'hãng phim',
  'nhà mạng', 'đơn vị', 'nhà tài trợ', 'liên doanh', 'quỹ', 'hiệp hội', 'đảng'];

/** Kinds of place: "<noun> nào" asks for one by name ("nằm trên đường nào", "ở địa chỉ nào"). */
const PLACE_NOUNS = ['đường', 'phố', 'tỉnh', 'huyện', 'quận', 'xã', 'phường', 'thị trấn', 'làng', 'vùng', 'khu vực',
  'miền', 'bang', 'thủ đô', 'châu lục', 'đảo', 'sông', 'địa chỉ', 'khách sạn', 'sân vận động', 'sân', 'nhà hát', 'rạp'];

/** Questions after the hour of the day ("lúc mấy giờ"), a kind of time question. */
const HOUR_CUES = {
  toned: ['mấy giờ', 'giờ nào', 'mấy h'],
  folded: ['may gio', 'gio nao'],
};

/**
 * The part of a date a time question asks for: "ngày nào" a day (a year alone does not give it),
 * "tháng mấy" a month, "năm nào" a year. "khi nào", "bao giờ" ask for any date.
 */
export type DateUnit = 'day' | 'month' | 'year';
const DATE_UNIT_CUES: ReadonlyArray<{ unit: DateUnit } & Cues> = [
  // "đêm nào", "sáng nào": a part of a day is answered with the day ("đêm 23/1"), not a month.
  {
    unit: 'day',
    toned: ['ngày nào', 'ngày mấy', 'ngày bao nhiêu', 'hôm nào', 'đêm nào', 'sáng nào', 'trưa nào', 'chiều nào', 'tối nào'],
    // Without tones "sang nao", "toi nao" are also "sang nào", "tội nào".
    folded: ['ngay nao', 'ngay may', 'ngay bao nhieu', 'hom nao', 'dem nao', 'trua nao', 'chieu nao'],
  },
  { unit: 'month', toned: ['tháng nào', 'tháng mấy'], folded: ['thang nao', 'thang may'] },
  { unit: 'year', toned: ['năm nào', 'năm mấy', 'năm bao nhiêu'], folded: ['nam nao', 'nam may'] },
];

/** "tỷ lệ … bao nhiêu": a rate, best given as a percentage. */
const RATE_CUES = { toned: ['tỷ lệ', 'tỉ lệ'], folded: ['ty le', 'ti le'] };

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
      'đêm nào', 'tối nào', 'sáng nào', 'chiều nào', 'tuần nào', 'thời điểm nào', 'thời gian nào', 'ngày bao nhiêu', 'năm bao nhiêu', 'năm mấy', 'ngày mấy',
      'tháng mấy', ...PERIOD_CUES.toned, ...HOUR_CUES.toned],
    folded: ['nam nao', 'khi nao', 'ngay nao', 'bao gio', 'luc nao', 'thang nao', 'hom nao',
      'dem nao', 'chieu nao', 'tuan nao', 'thoi diem nao', 'thoi gian nao', 'nam may', 'ngay may', 'thang may', ...PERIOD_CUES.folded, ...HOUR_CUES.folded],
  },
  {
    // "kéo dài bao lâu", "mất mấy ngày": a number with its unit of time answers.
    kind: 'duration',
    toned: ['bao lâu', 'mấy ngày', 'mấy tháng', 'mấy năm', 'mấy tuần', 'bao nhiêu ngày',
      'bao nhiêu tháng', 'bao nhiêu năm', 'bao nhiêu giờ', 'bao nhiêu phút', 'bao nhiêu tuần'],
    folded: ['bao lau', 'bao nhieu ngay', 'bao nhieu thang', 'bao nhieu gio', 'bao nhieu phut', 'bao nhieu tuan'],
  },
  {
    // "ở độ tuổi nào": an age, a number of years.
    kind: 'number',
    toned: ['bao nhiêu', 'mấy', 'tuổi nào'],
    folded: ['bao nhieu', 'tuoi nao'],
  },
  {
    kind: 'reason',
    // "do đâu", "nhờ đâu" ask what caused it, not where: read before the place cues' "đâu". Not
    // "do dau" untoned ("người đỡ đầu"), nor "vì điều gì" ("bị chỉ trích vì điều gì" asks what was said).
    toned: ['vì sao', 'tại sao', 'lý do', 'lí do', 'nguyên nhân', 'vì lý do gì', 'để làm gì', 'nhằm mục đích gì',
      'do đâu', 'vì đâu', 'nhờ đâu'],
    folded: ['vi sao', 'tai sao', 'ly do', 'li do', 'nguyen nhan', 'de lam gi', 'vi dau', 'nho dau'],
  },
  {
    // "Tổng thư ký ASEAN nào …", "HLV nào": a title asked with "nào" asks for the person holding it.
    kind: 'person',
    toned: ['ai', 'người nào', 'vị nào', 'những ai'],
    folded: ['ai', 'nguoi nao', 'vi nao'],
    heads: PERSON_TITLES,
  },
  {
    kind: 'organisation',
    toned: [],
    folded: [],
    heads: ORGANISATION_NOUNS,
  },
  {
    kind: 'place',
    toned: ['ở đâu', 'tại đâu', 'nơi nào', 'đâu', 'địa điểm nào', 'thành phố nào', 'nước nào',
      'quốc gia nào'],
    folded: ['o dau', 'tai dau', 'noi nao', 'dia diem nao', 'thanh pho nao', 'nuoc nao',
      'quoc gia nao'],
    heads: PLACE_NOUNS,
  },
  {
    // "Robot … tên là gì?", "được gọi là gì": the name of a thing (a person's is asked with "ai").
    kind: 'name',
    toned: ['tên là gì', 'tên gì', 'tên của', 'tên gọi', 'gọi là gì', 'mang tên gì', 'biệt danh'],
    folded: ['ten la gi', 'ten gi', 'ten cua', 'ten goi', 'goi la gi', 'mang ten gi', 'biet danh'],
  },
];

function containsWords(haystack: string, phrase: string): boolean {
  return containsPhrase(wordsOf(haystack), phrase);
}

function questionText(question: string): { text: string; toned: boolean } {
  const q = normalizeQuery(question).toLowerCase();
  const toned = hasDiacritics(q);
  return { text: toned ? q : foldDiacritics(q), toned };
}

/** Cue phrases, toned and (the unambiguous ones) folded for questions typed without accents. */
interface Cues {
  toned: readonly string[];
  folded: readonly string[];
}

/** Whether the question holds one of the cues, as whole words. */
function hasCue(question: string, cues: Cues): boolean {
  const { text, toned } = questionText(question);
  return (toned ? cues.toned : cues.folded).some((p) => containsWords(text, p));
}

/**
 * Nouns that name a figure ("tỷ lệ", "tỷ số", "số lượng") without asking for it: "Trường đại học
 * nào nghiên cứu tỷ lệ sinh đôi …?" asks for a university. They make a number question only when
 * no question word asks for something else.
 */
const FIGURE_NOUNS = { toned: ['số lượng', 'tỷ số', 'tỉ số', 'tỷ lệ', 'tỉ lệ'], folded: ['so luong', 'ty so', 'ti so'] };

/** The kind of fact asked for; the first matching cue wins ("năm bao nhiêu" is a time). */
export function detectQuestionKind(question: string): QuestionKind {
  const { text, toned } = questionText(question);
  for (const cue of CUES) {
    const phrases = toned ? cue.toned : cue.folded;
    if (phrases.some((p) => containsWords(text, p))) return cue.kind;
    if (cue.heads && asksWhichOf(text, toned, cue.heads)) return cue.kind;
  }
  return hasCue(question, FIGURE_NOUNS) ? 'number' : 'other';
}

/**
 * Question words that ask something of their own without naming a kind of fact: "làm gì", "nói
 * gì", "thế nào", "ra sao", "<noun> nào". A follow-up holding one asks its own question ("Khi có
 * nguyệt thực thì phụ nữ ở đó làm gì?" after "Ai làm chủ?", "Lỗi này nằm trong thành phần nào?"
 * after "… ngày nào?"), not again the previous question's kind of fact.
 */
const OPEN_CUES = { toned: ['gì', 'thế nào', 'ra sao', 'nào'], folded: ['lam gi', 'noi gi', 'the nao', 'ra sao', 'nao'] };
/** "Còn X thì sao / thì thế nào?": the previous question asked again, about X. */
const ASKED_AGAIN = /th[iì]\s+(?:sao|th[eế]\s+n[aà]o|ra\s+sao)\s*\??\s*$/iu;

/** Whether a question asks its own open question, rather than the previous one again about something else. */
export function asksOwnOpenQuestion(question: string): boolean {
  return !ASKED_AGAIN.test(question.trim()) && hasCue(question, OPEN_CUES);
}

/** Whether the question asks for a span of years ("nhiệm kỳ nào") rather than a single date. */
export function asksForPeriod(question: string): boolean {
  return hasCue(question, PERIOD_CUES);
}

/** Whether the question asks which publication ("tạp chí khoa học nào", "báo nào"). */
export function asksForPublication(question: string): boolean {
  const { text, toned } = questionText(question);
  return asksWhichOf(text, toned, PUBLICATION_NOUNS);
}

/** Whether the question asks for an age ("bao nhiêu tuổi", "ở độ tuổi nào"). */
export function asksForAge(question: string): boolean {
  return hasCue(question, AGE_CUES);
}

const AGE_CUES = { toned: ['bao nhiêu tuổi', 'mấy tuổi', 'tuổi nào'], folded: ['bao nhieu tuoi', 'tuoi nao'] };

/** Whether the question asks for the hour of the day ("bắt đầu lúc mấy giờ"), not only the date. */
export function asksForHour(question: string): boolean {
  return hasCue(question, HOUR_CUES);
}

/** The part of a date the question asks for, the finest when it names several; null for any date. */
export function askedDateUnit(question: string): DateUnit | null {
  return DATE_UNIT_CUES.find((c) => hasCue(question, c))?.unit ?? null;
}

/** Whether the question asks for a rate ("tỷ lệ … là bao nhiêu"). */
export function asksForRate(question: string): boolean {
  return hasCue(question, RATE_CUES);
}

/** Words that ask for the state of things now: the answer must say how old its source is. */
const CURRENT_CUES = {
  toned: ['hôm nay', 'hiện nay', 'hiện tại', 'mới nhất', 'bây giờ', 'lúc này', 'năm nay', 'hiện giờ'],
  folded: ['hom nay', 'hien nay', 'hien tai', 'moi nhat', 'bay gio', 'luc nay', 'nam nay', 'hien gio'],
};

/** Whether the question asks about now ("giá vàng hôm nay", "hiện nay có bao nhiêu …"). */
export function asksAboutNow(question: string): boolean {
  return hasCue(question, CURRENT_CUES);
}

/**
 * "hôm nay" asks for the day's state itself (a price, the weather, a rate), not for the newest
 * report ("mới nhất") nor for what holds a while ("hiện nay", "bây giờ": who holds an office, what
 * a place is called now), which an undated reference text can still answer.
 */
const TODAY_CUES = { toned: ['hôm nay'], folded: ['hom nay'] };

/** Whether the question asks for today's state ("Giá vàng SJC hôm nay là bao nhiêu?"). */
export function asksAboutToday(question: string): boolean {
  return hasCue(question, TODAY_CUES);
}
