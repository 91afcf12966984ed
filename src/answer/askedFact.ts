import { isTonedQuery, splitPhrases } from '../text/tokenize.js';
import { isForeignWord } from '../text/words.js';
import { foldDiacritics, hasDiacritics, normalizeQuery } from '../text/normalize.js';
import { findDefinedAbbreviations, type DefinedAbbreviation } from './definedAbbreviations.js';
import { askedDateUnit, asksForAge, asksForHour, asksForPeriod, asksForPublication, asksForRate, asksOwnOpenQuestion, detectQuestionKind, type DateUnit, type QuestionKind } from './questionKind.js';

/**
 * What a question pins down and what it leaves open, read so that a sentence can be checked
 * against both: "Hội nghị lần thứ 3 diễn ra ở đâu?" pins the ordinal 3 (a sentence about "lần
 * thứ 10" is about another meeting) and leaves a place open (a sentence naming only places the
 * question already names does not answer it).
 */

export interface AskedFact {
  kind: QuestionKind;
  /** "nhiệm kỳ nào": a span of years answers best. */
  period: boolean;
  /** "lúc mấy giờ": only a time of day answers (a date alone does not). */
  hour: boolean;
  /** "ngày nào": only a date that gives a day answers ("năm 1958" does not); null for any date. */
  dateUnit: DateUnit | null;
  /** "tỷ lệ … bao nhiêu": a percentage answers best (a ratio may too, so it is not required). */
  rate: boolean;
  /** Folded words right after "bao nhiêu"/"mấy": what is counted ("hoi", "nghi"). */
  counted: string[];
  /** The unit the asked number must carry: money for "giá bao nhiêu", years for "bao nhiêu tuổi". */
  unit: AskedUnit | null;
  /**
   * "nặng bao nhiêu MB", "dài bao nhiêu km": the unit of measure the asked number must carry
   * ("g", "gam", "gram" are one); null when none is asked.
   */
  measure: Measure | null;
  /** "đăng trên tạp chí nào": a publication, which news names with its kind ("tạp chí Nature"). */
  publication: boolean;
  /** Numbers the question names, with the folded word before each ("thu" in "lần thứ 3"). */
  numbers: NumberMention[];
  /** Folded syllables the question (and its context) already gives: a name among them is no answer. */
  given: Set<string>;
  /**
   * For "ai" and "tên là gì": the first words of the role the person holds ("trưởng nhóm nghiên
   * cứu" in "Trưởng nhóm nghiên cứu … là ai?"), folded; empty when the question names none.
   */
  role: string[];
}

export type AskedUnit = 'money' | 'age' | 'percent';

/** How strongly a sentence holds the fact asked for. */
export const FACT = { none: 0, weak: 0.5, strong: 1, exact: 1.25 } as const;

interface Token {
  /** Lower-cased, tones kept. */
  word: string;
  folded: string;
  /** Written with a capital: "Ba" in "Ba Lan" is part of a name, not the number three. */
  capital: boolean;
}

interface NumberMention {
  value: string;
  /** The folded word before it ("thu" in "lần thứ 3"). */
  before: string | null;
}

/**
 * A candidate sentence read once for every question it may answer: its words, numbers, and the
 * names and dates it mentions (names as folded words, to compare with what a question gives).
 */
export interface ReadSentence {
  text: string;
  tokens: readonly Token[];
  numbers: readonly NumberMention[];
  /** "Tổng Thư ký ASEAN Lê Lương Minh", "Vũ Minh làm đạo diễn": the title's words and the name's. */
  titledPeople: ReadonlyArray<{ title: readonly string[]; name: readonly string[] }>;
  /** Names that start with a Vietnamese surname. */
  surnamedPeople: ReadonlyArray<readonly string[]>;
  /** Capitalised names after "tại", "ở", "đến", "từ". */
  places: ReadonlyArray<readonly string[]>;
  /** Any other run of capitalised words past the first word. */
  capitalisedRuns: ReadonlyArray<readonly string[]>;
  /** The numbers in each date ("ngày 8/8/1967" → 8, 8, 1967). */
  dates: ReadonlyArray<readonly string[]>;
  /** The parts each date gives, in the order of `dates` ("10/5" a day and a month, "năm 1958" a year). */
  dateUnits: ReadonlyArray<readonly DateUnit[]>;
  /** A span of years ("2020-2021", "từ năm 2008 đến 2009"). */
  yearSpan: boolean;
  percent: boolean;
  /** Folded acronyms ("WTO", "ĐH"), the question's excepted by the caller. */
  acronyms: readonly string[];
  /** "Viện Hòa bình và Hòa giải ASEAN (AIPR)": abbreviations the sentence defines. */
  definitions: readonly DefinedAbbreviation[];
}

/** Words of a text in order, numbers split at their separators ("10/2010" → 10, 2010). */
function tokens(text: string): Token[] {
  return normalizeQuery(text)
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((written) => {
      const word = written.toLowerCase();
      return { word, folded: foldDiacritics(word), capital: word !== written };
    });
}

/** Ordinals and counts written in words, by folded form ("thứ ba" = "thứ 3"). */
const NUMBER_WORD_VALUES: Record<string, string> = {
  mot: '1', nhat: '1', hai: '2', ba: '3', bon: '4', tu: '4', nam: '5', sau: '6', bay: '7', tam: '8',
  chin: '9', muoi: '10',
};
/** Toned words that count something ("bốn điểm", "hàng trăm hội nghị"); "một" is mostly "a". */
const COUNT_WORDS = new Set([
  'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín', 'mười', 'mươi', 'trăm', 'nghìn',
  'ngàn', 'triệu', 'tỷ', 'tỉ', 'chục', 'vài', 'mấy', 'rưỡi',
]);
const ORDINAL_MARK = 'thu';

const isDigits = (w: string) => /^\p{N}+$/u.test(w);

/** The numeric value of token i, reading a word after "thứ" as an ordinal. */
function valueAt(ts: readonly Token[], i: number): string | null {
  const t = ts[i];
  if (!t) return null;
  if (isDigits(t.word)) return t.word.replace(/^0+(?=\d)/, '');
  if (i > 0 && ts[i - 1]!.folded === ORDINAL_MARK) return NUMBER_WORD_VALUES[t.folded] ?? null;
  return null;
}

function numbersOf(ts: readonly Token[]): NumberMention[] {
  const out: NumberMention[] = [];
  ts.forEach((_, i) => {
    const value = valueAt(ts, i);
    if (value !== null) out.push({ value, before: i > 0 ? ts[i - 1]!.folded : null });
  });
  return out;
}

/**
 * Words that can follow "bao nhiêu" without being what it counts: "một"/"mỗi" make a rate ("bao
 * nhiêu một năm"), a preposition ends the phrase ("đầu tư bao nhiêu vào hãng"). Without tones
 * only the forms no counted noun shares ("tu" is also "tù", "so" also "số").
 */
const NOT_COUNTED_TONED = new Set(['một', 'mỗi', 'vào', 'cho', 'với', 'từ', 'trong', 'để', 'tại', 'ở', 'của', 'là', 'thì', 'mà', 'khi', 'và', 'so', 'sau', 'trước', 'đến', 'tới', 'trên', 'dưới', 'về', 'nữa', 'rồi']);
const NOT_COUNTED_FOLDED = new Set(['mot', 'moi', 'vao', 'cho', 'voi', 'trong', 'cua', 'khi', 'den', 'tren', 'duoi']);

/** Folded content words after the first "bao nhiêu" / "mấy", up to the end of that phrase. */
function countedAfterCue(question: string): string[] {
  const phrases = splitPhrases(normalizeQuery(question));
  const toned = isTonedQuery(phrases);
  for (const p of phrases) {
    const ws = p.syllables;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      const cueEnd = foldDiacritics(w) === 'bao' && foldDiacritics(ws[i + 1] ?? '') === 'nhieu' ? i + 2 : toned && w === 'mấy' ? i + 1 : -1;
      if (cueEnd < 0) continue;
      const counted = ws.slice(cueEnd, cueEnd + 3).map((x) => foldDiacritics(x));
      // "bao nhiêu một năm", "bao nhiêu mỗi học viên": a rate per unit, not a count of units;
      // "đầu tư bao nhiêu vào hãng": a preposition follows, nothing is counted.
      const next = ws[cueEnd]?.toLowerCase() ?? '';
      return (toned ? NOT_COUNTED_TONED.has(next) : NOT_COUNTED_FOLDED.has(foldDiacritics(next))) ? [] : counted;
    }
  }
  return [];
}

/** Words that make "bao nhiêu" a sum of money: "giá … bao nhiêu", "bị phạt bao nhiêu tiền", "kinh phí". */
// "bán phá giá" (dumping) and "đánh giá" (judging) hold "giá" without a price; "tiền đạo",
// "tiền nhiệm" hold "tiền" without money.
const MONEY_CUE_TONED = /(?<![\p{L}\p{M}])(?<!(?:phá|đánh)\s)(?:giá|tiền(?!\s+(?:đạo|vệ|đề|thân|nhiệm|sử|tuyến|phương|cảnh|lệ))|kinh phí|chi phí|học phí|viện phí|lệ phí|mức phí|trị giá|lương|vốn|đầu tư|doanh thu|lợi nhuận|thu nhập|tài trợ|bồi thường|hối lộ|thù lao|cát-xê|cát xê|catse)(?![\p{L}\p{M}])/u;
/** Without tones "gia" is also "quốc gia", "tham gia": only the unambiguous forms. */
const MONEY_CUE_FOLDED = /\b(?:gia (?:ban|ve|xe|niem yet|thue|bao nhieu|la bao nhieu)|tien|kinh phi|chi phi|hoc phi|vien phi|le phi|muc phi|tri gia|luong|dau tu|doanh thu|loi nhuan|thu nhap|boi thuong|hoi lo|thu lao|cat-xe|cat xe|catse)\b/;

/** A unit of measure: its spellings (folded, lower-case) and a number written in any of them. */
export interface Measure {
  spellings: readonly string[];
  /** "126 g", "300g", "70 MB", on folded lower-case text. */
  pattern: RegExp;
}

const measure = (...spellings: string[]): Measure => ({
  spellings,
  pattern: new RegExp(`\\d(?:[\\d.,]*\\d)?\\s*(?:${spellings.join('|')})(?![\\p{L}\\p{N}])`, 'u'),
});

/**
 * Units of measure: asked "bao nhiêu MB", only a number in MB answers; "2 lần", "19 giờ" are
 * other facts.
 */
const MEASURES: readonly Measure[] = [
  measure('kb', 'kilobyte'),
  measure('mb', 'megabyte'),
  measure('gb', 'gigabyte'),
  measure('tb', 'terabyte'),
  measure('km', 'kilomet', 'cay so'),
  measure('cm', 'centimet'),
  measure('mm', 'milimet'),
  measure('kg', 'kilogam', 'kilogram', 'ky'),
  measure('g', 'gam', 'gram'),
  measure('ha', 'hecta', 'hec-ta'),
  measure('m2', 'met vuong'),
  measure('m3', 'met khoi'),
  measure('lit', 'l'),
  measure('mw', 'megawatt'),
  measure('kw', 'kilowatt'),
  measure('ghz', 'gigahertz'),
  measure('mhz', 'megahertz'),
  measure('inch', 'inches', 'in-so'),
];

/** The unit of measure a question counts in ("bao nhiêu mb"), or null. */
function measureAsked(counted: readonly string[]): Measure | null {
  const first = counted[0];
  if (first === undefined) return null;
  const two = counted.slice(0, 2).join(' ');
  return MEASURES.find((m) => m.spellings.includes(two) || m.spellings.includes(first)) ?? null;
}

/** "bao nhiêu người": the question counts a named thing (not a bare "bao nhiêu?"). */
const countsNamedThing = (counted: readonly string[]) => counted[0] !== undefined && /^\p{L}/u.test(counted[0]);

function askedUnit(question: string, counted: readonly string[]): AskedUnit | null {
  const first = counted[0];
  if (first === 'tuoi' || asksForAge(question)) return 'age';
  if (first === 'phan' && counted[1] === 'tram') return 'percent';
  if (first === 'tien' || first === 'dong' || first === 'usd') return 'money';
  // A counted thing that is not money ("bao nhiêu người") decides, whatever else the question says.
  if (countsNamedThing(counted)) return null;
  const text = normalizeQuery(question).toLowerCase();
  return (hasDiacritics(text) ? MONEY_CUE_TONED.test(text) : MONEY_CUE_FOLDED.test(text)) ? 'money' : null;
}

export function readAskedFact(question: string, context?: string): AskedFact {
  const ownKind = detectQuestionKind(question);
  // "Còn OSCE thì sao?" asks for the same kind of fact as the question it follows.
  const askedIn = ownKind === 'other' && context !== undefined && !asksOwnOpenQuestion(question) ? context : question;
  const kind = askedIn === question ? ownKind : detectQuestionKind(askedIn);
  const period = asksForPeriod(askedIn);
  const countedFrom = ownKind === 'number' || context === undefined ? question : context;
  const given = new Set([...wordsOf(question), ...(context ? wordsOf(context) : [])]);
  const counted = kind === 'number' ? countedAfterCue(countedFrom) : [];
  return {
    kind,
    period,
    rate: kind === 'number' && asksForRate(countedFrom),
    hour: kind === 'time' && asksForHour(askedIn),
    dateUnit: kind === 'time' ? askedDateUnit(askedIn) : null,
    counted,
    unit: kind === 'number' ? askedUnit(countedFrom, counted) : null,
    measure: kind === 'number' ? measureAsked(counted) : null,
    publication: kind === 'organisation' && asksForPublication(askedIn),
    numbers: numbersOf(tokens(question)),
    given,
    role: kind === 'person' || kind === 'name' ? roleAsked(question, kind) : [],
  };
}

/** "Ai là <role> …?", "<role> … là ai / tên là gì?": the role's first words. */
const ROLE_AFTER_WHO = /^ai (?:la|lam) (.+)$/;
const ROLE_BEFORE_WHO = /^(.+?) (?:la ai|la nguoi nao|ten la gi|ten gi|la gi)$/;
/** Words that open a subject without saying its role. */
const NOT_ROLE = new Set(['ong', 'ba', 'nguoi', 'vi', 'nhan vat', 'nhung', 'cac']);
const ROLE_WORDS = 3;
/** Words that end the thing a "tên là gì" question names: "Robot | mà tàu Rosetta thả xuống …". */
const CLAUSE_START = new Set(['ma', 'duoc', 'cua', 'da', 'dang', 'se', 'bi', 'la']);

/**
 * The role a person question names ("Ai là <role> …", "<role> … là ai"), or, for "tên là gì",
 * the thing whose name is asked, up to the clause that describes it ("robot" in "Robot mà tàu
 * Rosetta thả xuống tên là gì?"): one word is enough to name a thing, not a role.
 */
function roleAsked(question: string, kind: QuestionKind): string[] {
  const folded = wordsOf(question).join(' ');
  const m = ROLE_AFTER_WHO.exec(folded) ?? ROLE_BEFORE_WHO.exec(folded);
  if (!m) return [];
  const words = m[1]!.split(' ').filter((w) => !NOT_ROLE.has(w));
  if (kind === 'name') {
    // "Tên của con tàu … là gì": the thing comes after "tên của".
    while (words[0] === 'ten' || words[0] === 'cua') words.shift();
    const end = words.findIndex((w) => CLAUSE_START.has(w));
    const head = words.slice(0, Math.min(end < 0 ? words.length : end, ROLE_WORDS));
    if (head.length > 0) return head;
  }
  return words.length >= 2 ? words.slice(0, ROLE_WORDS) : [];
}

function wordsOf(text: string): string[] {
  return tokens(text).map((t) => t.folded);
}

// ---------- numbers the question names ----------

/** An ordinal only matches the same ordinal: "lần thứ 3" is not "3 cấp". */
const numberKey = (n: NumberMention) => (n.before === ORDINAL_MARK ? `${ORDINAL_MARK} ${n.value}` : n.value);

export type NumberAgreement = 'match' | 'conflict' | 'neutral';

/**
 * Whether a sentence agrees with the numbers the question names: it names them all ("match"),
 * or names none of them but puts another number where the question has one ("lần thứ 10" for
 * "lần thứ 3": "conflict").
 */
export function numberAgreement(sentence: ReadSentence, asked: AskedFact): NumberAgreement {
  if (asked.numbers.length === 0) return 'neutral';
  const found = sentence.numbers;
  const keys = new Set(found.map(numberKey));
  const missing = asked.numbers.filter((n) => !keys.has(numberKey(n)));
  if (missing.length === 0) return 'match';
  const clash = missing.some((n) => n.before !== null && found.some((f) => f.before === n.before && f.value !== n.value));
  return clash ? 'conflict' : 'neutral';
}

// ---------- the fact asked for ----------

/**
 * A day, a month, a year; "ngày 3" after a count is a length of time ("tour 3 ngày 3 đêm"), not a
 * day, while "27 tháng 8" is a day of August.
 */
const DATE =
  /(?<![\p{L}\p{N}])(?:\d{1,2}\s*[/-]\s*\d{1,2}(?:\s*[/-]\s*\d{2,4})?|(?:19|20)\d{2}|(?:(?<!\d\s{1,3})ngày|tháng|năm|quý|thế kỷ)\s+\d{1,4})(?![\p{L}\p{N}])/giu;
const YEAR_SPAN =
  /(?<![\p{N}])(?:1[5-9]|20)\d{2}\s*[-–—]\s*(?:(?:1[5-9]|20)\d{2}|\d{2})(?![\p{N}])|(?:từ|giai đoạn)\s+(?:năm\s+)?\d{4}\s+(?:đến|tới)\s+(?:năm\s+)?\d{4}/iu;
/** Titles before a person's name, as a sentence opens with them or writes them inside ("ca sĩ Mỹ Tâm"). */
const TITLE_WORDS = ['Ông', 'Bà', 'Thứ trưởng', 'Bộ trưởng', 'Thủ tướng', 'Chủ tịch', 'Tổng Thư ký', 'Tổng thư ký', 'Đại sứ', 'Trợ lý',
  'Phó', 'Giám đốc', 'Tổng Giám đốc', 'Trưởng', 'Phát ngôn viên', 'Ngoại trưởng', 'Tổng thống', 'Thượng nghị sĩ', 'Giáo sư', 'Tiến sĩ',
  'TS', 'GS', 'PGS', 'Thống đốc', 'Bí thư', 'Tướng', 'Đô đốc', 'Hoàng đế', 'Vua', 'Nữ hoàng', 'Giáo hoàng', 'Luật sư', 'HLV',
  'Huấn luyện viên', 'Bác sĩ', 'Đạo diễn', 'Nhà văn', 'Ca sĩ', 'Diễn viên', 'Nhạc sĩ', 'Họa sĩ', 'Tay vợt', 'Võ sĩ', 'Cầu thủ',
  'Tiền đạo', 'Thủ môn', 'Chuyên gia', 'Bị cáo', 'Nghệ sĩ', 'Tác giả'];
const TITLES = `(?:${TITLE_WORDS.flatMap((t) => (/^\p{Lu}\p{Ll}/u.test(t) ? [t, t[0]!.toLowerCase() + t.slice(1)] : [t])).join('|')})`;
/**
 * Vietnamese surnames, and the Sino-Vietnamese ones news spells Chinese names with ("Giang Trạch
 * Dân", "Ôn Gia Bảo"); not those that open common capitalised names ("Đoàn Thanh niên", "Cung Văn
 * hóa") nor dynasties' ("Chu Văn Vương", "nhà Tống", "nước Triệu", "nhà Mạc").
 */
const SURNAMES =
  '(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trịnh|Mai|Đào|Lương|Tô|Hà|Trương|Lâm|Tạ|Giang|Ôn|Tập|Tôn|Mao|Khổng|Quách|Lưu|Hứa|Phùng|Thân|Doãn|Kiều|Khúc|Diệp|Tăng|Lục|Tiêu|Lã|Lữ|Cù|Bạch|Đàm|Vương|Trình|Thạch|Nghiêm|Củng)';
const CAP = '\\p{Lu}[\\p{L}\\p{M}]*(?:-[\\p{L}\\p{M}]+)?';
/** Title, up to four qualifying words ("Liên Hợp Quốc"), then the capitalised name. */
const PERSON_AFTER_TITLE = new RegExp(`(?<![\\p{L}])(${TITLES}(?:\\s+[\\p{L}\\p{M}]+){0,4}?)\\s+(${CAP}(?:\\s+${CAP}){1,3})`, 'gu');
/** "Vũ Minh làm đạo diễn", "Lê Văn A là HLV trưởng": a name, then the role it holds. */
const PERSON_BEFORE_ROLE = new RegExp(`(${CAP}(?:\\s+${CAP}){1,3})\\s+(?:làm|là|giữ chức|giữ vai trò|đảm nhận vai trò|đảm nhiệm vai trò)\\s+([\\p{L}\\p{M}]+(?:\\s+[\\p{L}\\p{M}]+){0,2})`, 'gu');
/** Places that begin with a surname. */
const NOT_PEOPLE = '(?!Hà Nội|Hà Tĩnh|Hà Giang|Hà Nam|Lâm Đồng|Lý Sơn|Hồ Gươm|Hồ Tây|Hồ Chí Minh)';
const PERSON_BY_SURNAME = new RegExp(`(?<![\\p{L}])${NOT_PEOPLE}(${SURNAMES}(?:\\s+${CAP}){1,3})`, 'gu');
/** "tại thành phố Quảng Châu", "ở tỉnh Quảng Đông": the kind of place may come between. */
const PLACE_NOUN = '(?:thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường|thủ đô|bang|vùng|khu vực|nước|đảo|làng)';
const PLACE_AFTER_PREPOSITION = new RegExp(`(?<![\\p{L}])(?:tại|ở|đến|từ)\\s+(?:${PLACE_NOUN}\\s+)?(${CAP}(?:\\s+${CAP}){0,3})`, 'gu');
/** "đường Lê Thị Hồng Gấm", "khách sạn Daewoo", "số 12 Ngô Quyền": a named street or building is a place. */
const NAMED_SITE = new RegExp(`(?<![\\p{L}])(?:đường|phố|khách sạn|sân vận động|sân|nhà hát|số)\\s+(?:\\d{1,4}\\s+)?(${CAP}(?:\\s+${CAP}){0,3})`, 'gu');
/** "96 Lò Đúc", "2 Lê Lợi": a house number before a street's name (two capitalised words or more). */
const STREET_ADDRESS = new RegExp(`(?<![\\p{L}\\p{N}.,/])\\d{1,3}[A-Z]?\\s+(${CAP}(?:\\s+${CAP}){1,3})`, 'gu');
/** A run of capitalised words that is not the sentence's first word: a name of something. */
const CAPITALISED_RUN = new RegExp(`(?<=[^\\s"“'‘(]\\s+)(${CAP}(?:\\s+${CAP}){0,3})`, 'gu');

const ACRONYM = /(?<![\p{L}\p{M}\p{N}])\p{Lu}{2,}[\p{Lu}\p{N}]*(?![\p{L}\p{M}\p{N}])/gu;

/**
 * "95%", "12 phần trăm": a number with its percent sign or words. "phần trăm" alone is not one
 * ("không nêu rõ được lãi bao nhiêu phần trăm" says the figure is missing).
 */
function statesPercentage(ts: readonly Token[], text: string): boolean {
  if (/\d\s*%/u.test(text)) return true;
  return ts.some((t, i) => t.folded === 'phan' && ts[i + 1]?.folded === 'tram' && i > 0 && isCountAt(ts, i - 1));
}

export function readSentence(text: string): ReadSentence {
  const ts = tokens(text);
  const names = (re: RegExp, group: number) => [...text.matchAll(re)].map((m) => wordsOf(m[group]!));
  const dates = [...text.matchAll(DATE)];
  return {
    text,
    tokens: ts,
    numbers: numbersOf(ts),
    titledPeople: [
      ...[...text.matchAll(PERSON_AFTER_TITLE)].map((m) => ({ title: wordsOf(m[1]!), name: wordsOf(m[2]!) })),
      ...[...text.matchAll(PERSON_BEFORE_ROLE)].map((m) => ({ title: wordsOf(m[2]!), name: wordsOf(m[1]!) })),
    ],
    surnamedPeople: names(PERSON_BY_SURNAME, 1),
    places: [...names(PLACE_AFTER_PREPOSITION, 1), ...names(NAMED_SITE, 1), ...names(STREET_ADDRESS, 1)],
    capitalisedRuns: names(CAPITALISED_RUN, 1),
    dates: dates.map((m) => numbersOf(tokens(m[0])).map((n) => n.value)),
    dateUnits: dates.map((m) => unitsOfDate(m[0], text.slice(Math.max(0, m.index - 4), m.index))),
    yearSpan: YEAR_SPAN.test(text),
    percent: statesPercentage(ts, text),
    acronyms: [...text.matchAll(ACRONYM)].map((m) => foldDiacritics(m[0].toLowerCase())),
    definitions: findDefinedAbbreviations(text),
  };
}

/** Text in quotation marks: how news gives the name of a film, a robot, a campaign. */
const QUOTED = /["“]([^"”]{2,60})["”]/gu;

/** A name of anything the question does not give: a person's, a quoted one, a capitalised run, an acronym. */
function nameStrength(sentence: ReadSentence, asked: AskedFact, source: FactSource): number {
  const person = personStrength(sentence, asked, source);
  if (person >= FACT.strong) return person;
  const quoted = [...sentence.text.matchAll(QUOTED)].some((m) => isNew(wordsOf(m[1]!), asked));
  const named = sentence.capitalisedRuns.some((name) => isNew(name, asked)) || sentence.acronyms.some((a) => !asked.given.has(a));
  return quoted || named ? FACT.strong : person;
}

/** Whether a name says something the question does not: one of its words is not in the question. */
function isNew(name: readonly string[], asked: AskedFact): boolean {
  return name.some((w) => !asked.given.has(w));
}

/** A name of two capitalised words or more, anywhere in the sentence (its first word too). */
const NAME_RUN = new RegExp(`(?<![\\p{L}\\p{M}])${CAP}(?:\\s+${CAP}){1,3}`, 'gu');
/** How many words before or after a name may hold the role it is given ("X, trưởng nhóm …"). */
const ROLE_WINDOW = 4;

/**
 * "Cảnh sát trưởng thủ đô Philippines Vidal Querol", "Yoshihisa Nakamura, trưởng nhóm nghiên
 * cứu": a new name right beside the role the question asks about is its holder, whatever the
 * role (no list of titles can hold "cảnh sát trưởng" and "trưởng nhóm nghiên cứu" alike).
 */
function namesRoleHolder(sentence: ReadSentence, asked: AskedFact): boolean {
  const need = Math.min(2, asked.role.length);
  if (need === 0) return false;
  const text = sentence.text;
  // A thing's name is often one word ("robot … Philae"), or quoted; a person's has two or more.
  const names = asked.kind === 'name' ? [...text.matchAll(NAME_RUN), ...text.matchAll(SINGLE_NAME), ...text.matchAll(QUOTED)] : [...text.matchAll(NAME_RUN)];
  for (const m of names) {
    if (!isNew(wordsOf(m[0]), asked)) continue;
    const before = wordsOf(text.slice(0, m.index)).slice(-ROLE_WINDOW);
    const after = wordsOf(text.slice(m.index + m[0].length)).slice(0, ROLE_WINDOW);
    const near = new Set([...before, ...after]);
    if (asked.role.filter((w) => near.has(w)).length >= need) return true;
  }
  return false;
}

/** One capitalised word that does not open the sentence. */
const SINGLE_NAME = new RegExp(`(?<=[^\\s"“'‘(]\\s+[-–(]?\\s*)${CAP}(?![\\p{L}\\p{M}])`, 'gu');

function personStrength(sentence: ReadSentence, asked: AskedFact, source: FactSource): number {
  if (namesRoleHolder(sentence, asked)) return FACT.exact;
  let best: number = FACT.none;
  for (const { title, name } of sentence.titledPeople) {
    if (!isNew(name, asked)) continue;
    // "Tổng Thư ký ASEAN Lê Lương Minh" for "Ai là Tổng Thư ký ASEAN …?": the title the question asks about.
    const titled = title.filter((w) => asked.given.has(w)).length >= Math.min(2, title.length);
    best = Math.max(best, titled ? FACT.exact : FACT.strong);
  }
  if (sentence.surnamedPeople.some((name) => isNew(name, asked))) best = Math.max(best, FACT.strong);
  if (best > FACT.none) return best;
  // Foreign names carry no title or Vietnamese surname: a new capitalised name is weak evidence.
  // In news, only one spelt like no Vietnamese word ("Anatoly Karpov"): "Trung Quốc", "Tây Ban
  // Nha" are places. Reference texts also spell historical names in Vietnamese ("Cơ Phát").
  const person = (name: readonly string[]) => isNew(name, asked) && (!source.news || name.some(isForeignWord));
  return sentence.capitalisedRuns.some(person) ? FACT.weak : FACT.none;
}

function placeStrength(sentence: ReadSentence, asked: AskedFact): number {
  if (sentence.places.some((name) => isNew(name, asked))) return FACT.strong;
  return sentence.capitalisedRuns.some((name) => isNew(name, asked)) ? FACT.weak : FACT.none;
}

/**
 * A time of day: "22h", "7h30 sáng", "9 giờ 30", "10:45", and as some papers write it "11g30",
 * "11g trưa" ("g" alone after a number is more often grams: only with minutes or a part of the day).
 */
const HOUR =
  /(?<![\p{L}\p{N}])(?:\d{1,2}\s*(?:h|giờ)(?:\s*\d{1,2})?(?![\p{L}])|\d{1,2}:\d{2}|\d{1,2}g(?:\d{2}(?![\p{L}\p{N}])|\s+(?:sáng|trưa|chiều|tối|đêm)(?![\p{L}\p{M}])))/iu;

/**
 * The parts of a date one DATE match gives: "10/5/2004" all three, "tháng 12" a month ("27 tháng
 * 8", the day written before it, a day too), "quý IV" none.
 */
function unitsOfDate(date: string, before: string): DateUnit[] {
  const slashed = /^\d{1,2}\s*[/-]\s*\d{1,2}(\s*[/-]\s*\d{2,4})?$/u.exec(date);
  if (slashed) return slashed[1] === undefined ? ['day', 'month'] : ['day', 'month', 'year'];
  if (/^\d{4}$/u.test(date)) return ['year'];
  const word = date.split(/\s+/u)[0]!.toLowerCase();
  if (word === 'tháng') return /(?<!\d)\d{1,2}\s+$/u.test(before) ? ['day', 'month'] : ['month'];
  return word === 'ngày' ? ['day'] : word === 'năm' ? ['year'] : [];
}

function timeStrength(sentence: ReadSentence, asked: AskedFact, source: FactSource): number {
  if (asked.hour) return HOUR.test(sentence.text) ? FACT.exact : FACT.none;
  const given = new Set(asked.numbers.map((n) => n.value));
  const isNew = sentence.dates.map((values) => values.some((v) => !given.has(v)));
  const newDate = isNew.some(Boolean);
  if (asked.period) return sentence.yearSpan ? FACT.exact : newDate ? FACT.weak : FACT.none;
  if (!newDate) return FACT.none;
  const unit = asked.dateUnit;
  if (unit === null) return FACT.strong;
  if (sentence.dateUnits.some((units, i) => isNew[i] && units.includes(unit))) return FACT.strong;
  // "bị bắt ngày nào" is not answered by "sinh năm 1958" in a report, which dates what it tells
  // by the day; a reference text dates by the year or the era and may give no finer date.
  return source.news ? FACT.none : FACT.weak;
}

/** Words after "một" that make it "some", "a little", "a way", not the number one: "một số", "một chút", "một cách". */
const NOT_ONE_AFTER = new Set(['số', 'vài', 'chút', 'ít', 'cách', 'khi', 'lúc', 'mình', 'nửa']);

/** "một" counting one thing: not "một số" (some), nor "một tên nào" (any, in a negation). */
function countsOneAt(ts: readonly Token[], i: number): boolean {
  if (ts[i]!.word !== 'một') return false;
  const next = ts[i + 1]?.word ?? '';
  return !NOT_ONE_AFTER.has(next) && next !== 'nào' && ts[i + 2]?.word !== 'nào';
}

/** A word that counts: digits, a number word, "một" counting one. */
const isCountAt = (ts: readonly Token[], i: number) => isDigits(ts[i]!.word) || numberWordAt(ts, i) || countsOneAt(ts, i);

/** "tỷ lệ", "tỷ số", "tỷ giá", "tỷ trọng" are a ratio, a score, a rate, a share: no billion in them. */
const NOT_A_BILLION = new Set(['lệ', 'số', 'giá', 'trọng']);

/** What follows "năm" when it is a year, not five: "năm 2005", "năm nay", "năm học". */
const YEAR_NEXT = new Set(['nay', 'ngoái', 'qua', 'tới', 'sau', 'trước', 'học', 'đó', 'ấy', 'này', 'nào', 'rồi', 'kia', 'xưa', 'tài', 'mới', 'âm', 'dương']);
/** What comes before "năm" when it is a year: "hàng năm", "nhiều năm", "cuối năm", "3 năm". */
const YEAR_BEFORE = new Set(['hàng', 'mỗi', 'nhiều', 'cuối', 'đầu', 'giữa', 'trong', 'các', 'những', 'vài', 'mấy', 'cả', 'suốt', 'từng', 'của', 'một']);

/**
 * Whether word i is a number word ("ba", "triệu"), not part of a name ("Ba Lan"), the first half
 * of a compound ("tỷ lệ") or the year ("năm nay", "hàng năm").
 */
function numberWordAt(ts: readonly Token[], i: number): boolean {
  const t = ts[i]!;
  if (!COUNT_WORDS.has(t.word) || (t.capital && i > 0)) return false;
  const next = ts[i + 1];
  if (t.word === 'tỷ' || t.word === 'tỉ') return !NOT_A_BILLION.has(next?.word ?? '');
  if (t.word !== 'năm') return true;
  const before = ts[i - 1];
  if (!next || isDigits(next.word) || YEAR_NEXT.has(next.word)) return false;
  return !before || !(YEAR_BEFORE.has(before.word) || isDigits(before.word) || COUNT_WORDS.has(before.word));
}

/**
 * The index of the word a count at `i` counts: "2 triệu người", "1.500 quân" — a scale word or a
 * digit group may come between, unless `isUnit` says the word is already what is counted.
 */
function countedWordAt(ts: readonly Token[], i: number, isUnit: (t: Token) => boolean = () => false): number {
  let j = i + 1;
  while (j < ts.length && j <= i + 2 && !isUnit(ts[j]!) && (isDigits(ts[j]!.word) || numberWordAt(ts, j))) j++;
  return j;
}

/**
 * Nouns for kinds of people, toned: "bao nhiêu người" is answered by "15.000 cảnh sát, lính cứu
 * hỏa và tình nguyện viên" as well as by "15.000 người".
 */
const PEOPLE_NOUNS = ['người', 'cảnh sát', 'binh sĩ', 'binh lính', 'lính', 'quân', 'chiến sĩ', 'học sinh', 'sinh viên',
  'bác sĩ', 'y tá', 'công nhân', 'nhân viên', 'du khách', 'hành khách', 'khách', 'cầu thủ', 'vận động viên', 'vđv',
  'tình nguyện viên', 'phụ nữ', 'trẻ em', 'nạn nhân', 'bệnh nhân', 'đại biểu', 'thành viên', 'lao động', 'giáo viên',
  'nông dân', 'cán bộ', 'thí sinh', 'khán giả', 'cổ động viên', 'tù nhân', 'người dân', 'cư dân', 'dân'].map((n) => n.split(' '));

/** Whether the words from `j` on name a kind of people. */
function namesPeopleAt(ts: readonly Token[], j: number): boolean {
  return PEOPLE_NOUNS.some((noun) => noun.every((w, k) => ts[j + k]?.word === w));
}

/** "300 hội nghị" for "bao nhiêu hội nghị": a count right before the counted word. */
function countsTheNoun(ts: readonly Token[], counted: readonly string[]): boolean {
  const noun = counted[0];
  if (noun === undefined) return false;
  const people = noun === 'nguoi';
  for (let i = 0; i + 1 < ts.length; i++) {
    if (!isCountAt(ts, i)) continue;
    const j = countedWordAt(ts, i);
    if (ts[j]?.folded === noun || (people && namesPeopleAt(ts, j))) return true;
  }
  return false;
}


/** A sum of money: "650.000 đồng", "50 triệu USD", "$40.000", "2 tỷ". */
const MONEY = /(?:\d[\d.,]*\s*(?:(?:nghìn|ngàn|triệu|tỷ|tỉ)\s+)?(?:đồng|đ\b|usd|vnd|vnđ|euro|eur|yên|bảng|ndt|nhân dân tệ|won|baht|đô la|đô|đôla|franc|yuan|rupee|rúp|peso|ringgit|rupiah|\$)|(?:\$|(?<![\p{L}])(?:usd|vnd|vnđ|eur|euro))\s*\d|\d[\d.,]*\s*(?:triệu|tỷ|tỉ)(?![\p{L}])(?!\s+(?:người|lượt|ca|tấn|con|cây|m|km|ha|lít)))/iu;

/** "71 tuổi", "ba tuổi": a count right before a word; "ở tuổi 71" puts it after. */
const countsAt = (ts: readonly Token[], i: number) => i >= 0 && (isDigits(ts[i]!.word) || numberWordAt(ts, i));

function unitStrength(sentence: ReadSentence, unit: AskedUnit): number {
  switch (unit) {
    case 'money':
      return MONEY.test(sentence.text) ? FACT.exact : FACT.none;
    case 'percent':
      return sentence.percent ? FACT.exact : FACT.none;
    case 'age':
      return sentence.tokens.some((t, i) => t.folded === 'tuoi' && (countsAt(sentence.tokens, i - 1) || isDigits(sentence.tokens[i + 1]?.word ?? '')))
        ? FACT.exact
        : FACT.none;
  }
}

function numberStrength(sentence: ReadSentence, asked: AskedFact): number {
  // A price is answered by a sum of money, an age by years: another number is another fact.
  if (asked.unit) return unitStrength(sentence, asked.unit);
  if (asked.measure) return asked.measure.pattern.test(foldDiacritics(sentence.text.toLowerCase())) ? FACT.exact : FACT.none;
  if (asked.rate && sentence.percent) return FACT.exact;
  const ts = sentence.tokens;
  if (countsTheNoun(ts, asked.counted)) return FACT.exact;
  const given = new Set(asked.numbers.map((n) => n.value));
  const countsThing = countsNamedThing(asked.counted);
  const datedParts = countsThing ? new Set(sentence.dates.flat()) : new Set<string>();
  const newNumber = ts.some(
    (t, i) => ((isDigits(t.word) && !given.has(t.word)) || numberWordAt(ts, i)) && !(countsThing && countsNoThing(ts, i, datedParts)),
  );
  if (!newNumber) return FACT.none;
  // "bao nhiêu người" answered with a number of something else is weak evidence.
  return countsThing ? FACT.weak : FACT.strong;
}

/** Words after which a number is a date, an hour, an ordinal or a house number: "năm 2005", "lúc 7", "lần thứ 3", "số 2". */
const DATE_OR_RANK_BEFORE = new Set(['ngay', 'thang', 'nam', 'luc', 'thu', 'quy', 'so', 'khoa']);

/**
 * Whether the number at i counts no thing: part of a date, an hour, an ordinal, or a count of
 * time or of years of age ("11 năm qua", "71 tuổi"). News sentences nearly all hold one, and
 * "bao nhiêu nguyên thủ" is not answered by any of them.
 */
function countsNoThing(ts: readonly Token[], i: number, datedParts: ReadonlySet<string>): boolean {
  if (datedParts.has(ts[i]!.word) || DATE_OR_RANK_BEFORE.has(ts[i - 1]?.folded ?? '')) return true;
  // "ngày 1/12": the separator is gone, the day's number before the month's says what it is.
  if (i > 0 && isDigits(ts[i - 1]!.word) && isDigits(ts[i]!.word) && countsNoThing(ts, i - 1, datedParts)) return true;
  const unit = ts[countedWordAt(ts, i)];
  return unit !== undefined && (TIME_UNITS.has(unit.folded) || unit.folded === 'tuoi');
}

/** Units of time: a count right before one is a duration ("90 phút", "ba năm tù"). */
const TIME_UNITS = new Set(['giay', 'phut', 'gio', 'tieng', 'ngay', 'dem', 'tuan', 'thang', 'nam', 'quy', 'thap', 'the']);

function durationStrength(sentence: ReadSentence, asked: AskedFact): number {
  const ts = sentence.tokens;
  const given = new Set(asked.numbers.map((n) => n.value));
  const isTimeUnit = (t: Token) => TIME_UNITS.has(t.folded);
  for (let i = 0; i + 1 < ts.length; i++) {
    const t = ts[i]!;
    if (!isCountAt(ts, i) || given.has(t.word)) continue;
    // "6 năm tù": "năm" is the unit here, not the number five.
    const unit = ts[countedWordAt(ts, i, isTimeUnit)];
    if (unit && isTimeUnit(unit)) return FACT.exact;
  }
  return numberStrength(sentence, asked) > FACT.none ? FACT.weak : FACT.none;
}

/** Words that give a cause ("vì", "do", "nguyên nhân là"); a purpose ("để", "nên") is weaker evidence. */
const CAUSAL = /(?<![\p{L}\p{M}])(?:vì|bởi|nhằm|khiến|nguyên nhân|lý do|lí do|do(?!\s+dự)|dẫn đến|dẫn tới|gây ra|(?:là|có được|được)\s+nhờ)(?![\p{L}\p{M}])/iu;
const PURPOSE = /(?<![\p{L}\p{M}])(?:để|nên|vì vậy|vì thế)(?![\p{L}\p{M}])/iu;

/**
 * "do" naming who did something, not why: "nghiên cứu do Đại học Keio thực hiện", "chiếc xe do tài
 * xế Đàm Tấn Phát điều khiển" (the agent of a passive, closed within a few words by a verb that
 * names making, running or issuing something; verbs that may also tell a cause, "do Mỹ bán vũ khí",
 * are left out).
 */
const AGENT_DO = /(?<![\p{L}\p{M}])do(?:\s+[\p{L}\p{M}\p{N}.-]+){1,6}?\s+(?:điều khiển|thực hiện|tiến hành|tổ chức|sản xuất|chủ trì|phát hành|đạo diễn|dẫn đầu|công bố|xây dựng|biên soạn|trình bày|sáng tác|quản lý|tài trợ|phụ trách|đảm nhận|chủ biên|thiết kế|điều hành|dẫn dắt|chỉ huy|cầm lái|chế tạo|khởi xướng|thành lập|ban hành|cấp)(?![\p{L}\p{M}])/giu;

/**
 * "thay vì" (instead of) gives no cause. ("…, vì vậy …" inside a sentence does: its cause is the
 * sentence's first part; only a sentence opening with it points back, see CAUSE_BEFORE.)
 */
const NOT_A_CAUSE = /(?<![\p{L}\p{M}])thay vì(?![\p{L}\p{M}])/giu;

/**
 * A sentence that gives its cause by pointing back to the sentence before it: "Vì vậy, …", "Do
 * đó, …", "Đấy chính là lý do …", "Đó cũng là nguyên nhân …". The cause is told there.
 */
const CAUSE_BEFORE =
  /^(?:(?:chính\s+)?(?:vì|do|bởi)\s+(?:vậy|thế)|do đó|(?:đó|đấy|đây|điều (?:này|đó)|việc (?:này|đó))\s+(?:(?:chính|cũng|cũng chính)\s+)?là\s+(?:lý do|lí do|nguyên nhân))(?![\p{L}\p{M}])/iu;

/** Whether a sentence gives its cause by pointing to the sentence before it. */
export function pointsBackToCause(text: string): boolean {
  return CAUSE_BEFORE.test(text.trimStart());
}

function reasonStrength(sentence: ReadSentence): number {
  // The effect of a cause told before is no cause: the sentence before holds it.
  if (pointsBackToCause(sentence.text)) return FACT.weak;
  // "tự do" is freedom, not a cause; "do X thực hiện" names an agent.
  const text = sentence.text.replace(/tự do/giu, '').replace(AGENT_DO, '').replace(NOT_A_CAUSE, '');
  if (CAUSAL.test(text)) return FACT.strong;
  return PURPOSE.test(text) ? FACT.weak : FACT.none;
}

/**
 * A publication named with its kind, or as where a work appeared: "tạp chí Nature", "báo Tuổi
 * Trẻ", "đăng trên Science".
 */
const NAMED_PUBLICATION = new RegExp(
  `(?<![\\p{L}\\p{M}])(?:[tT]ạp chí(?:\\s+[\\p{Ll}\\p{M}]+){0,2}|(?<!thông\\s)[bB]áo|[tT]ờ(?:\\s+báo)?|[hH]ãng tin|[nN]hà xuất bản|[tT]ập san|(?:đăng|công bố|xuất bản|in)\\s+(?:trên|trong))\\s+["“]?\\p{Lu}`,
  'u',
);

/** An organisation: an acronym or a run of capitalised words the question does not give. */
function organisationStrength(sentence: ReadSentence, asked: AskedFact): number {
  // A study's university or a report's city is not the journal that printed it.
  if (asked.publication) return NAMED_PUBLICATION.test(sentence.text) ? FACT.strong : FACT.none;
  if (sentence.acronyms.some((a) => !asked.given.has(a))) return FACT.strong;
  return sentence.capitalisedRuns.some((name) => isNew(name, asked)) ? FACT.strong : FACT.none;
}

/** A definition of the very name the question gives ("Viện … ASEAN") is exact; any other, weak. */
function abbreviationStrength(sentence: ReadSentence, asked: AskedFact): number {
  let best: number = FACT.none;
  for (const d of sentence.definitions) {
    if (asked.given.has(foldDiacritics(d.short.toLowerCase()))) continue;
    const words = wordsOf(d.name);
    const named = words.filter((w) => asked.given.has(w)).length >= Math.ceil(0.6 * words.length);
    best = Math.max(best, named ? FACT.exact : FACT.weak);
  }
  return best;
}

/**
 * Whether the question asks for a fact precise enough that a sentence either states it or does
 * not: a sum of money, an age, a percentage, a duration, the hour of the day, a count of a named
 * thing ("bao nhiêu người"). Asked such a fact, an answer without it is no answer, however on topic.
 */
export function asksPreciseFact(asked: AskedFact): boolean {
  if (asked.unit !== null || asked.measure !== null || asked.kind === 'duration' || asked.hour) return true;
  return asked.kind === 'number' && countsNamedThing(asked.counted);
}

/**
 * How strongly a sentence holds the kind of fact asked for, one of FACT's values: a name the
 * question does not already give for "ai", a count of the very thing asked about for "bao
 * nhiêu", a span of years for "nhiệm kỳ nào", …
 */
/** Where a sentence comes from: a news report (an outlet or a day) names people otherwise than a reference text. */
export interface FactSource {
  news: boolean;
}

export function factStrength(sentence: ReadSentence, asked: AskedFact, source: FactSource = { news: false }): number {
  switch (asked.kind) {
    case 'abbreviation':
      return abbreviationStrength(sentence, asked);
    case 'person':
      return personStrength(sentence, asked, source);
    case 'place':
      return placeStrength(sentence, asked);
    case 'time':
      return timeStrength(sentence, asked, source);
    case 'number':
      return numberStrength(sentence, asked);
    case 'duration':
      return durationStrength(sentence, asked);
    case 'reason':
      return reasonStrength(sentence);
    case 'organisation':
      return organisationStrength(sentence, asked);
    case 'name':
      return nameStrength(sentence, asked, source);
    case 'other':
      return FACT.none;
  }
}
