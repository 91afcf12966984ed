import { foldDiacritics, hasDiacritics, normalizeQuery } from './normalize.js';

/**
 * Time in Vietnamese text, with and without diacritics: the period a question asks about ("năm
 * 2019", "từ 2018 đến 2020", "tháng 11/2020", "tuần trước") and whether it prefers recent news
 * ("mới nhất"); the dates an article's sentences mention ("ngày 4/12/2006", "Năm 1977, …").
 *
 * Everything is matched on the folded text (`foldDiacritics` keeps offsets for NFC input), so a
 * question typed without tones reads the same. A number alone is never a period: "Chủ tịch ASEAN
 * 2020", "COVID-19", "Res/61/44", "Kế hoạch 2016-2020" are names; a year needs its cue ("năm",
 * "từ", "giai đoạn", "tháng …/", "ngày …/").
 */

/** A closed range of calendar days (`YYYY-MM-DD`, inclusive) and the words it was read from. */
export interface Period {
  from: string;
  to: string;
  text: string;
}

/**
 * How a period was read: from a written year ("năm 2019", "tháng 11/2020"); from a day or month
 * without its year, placed in the latest such one before the reference ("ngày 10/7", "cuối tháng
 * 10", "từ đầu năm"), which is a guess; or relative to today ("tuần trước", "năm ngoái").
 */
export type PeriodAnchor = 'calendar' | 'inferred' | 'relative';

export interface TimeReading {
  /** The period the question restricts itself to, when it names one. */
  period: Period | null;
  /** How the period was read (null without one). */
  anchor: PeriodAnchor | null;
  /** The question asks for the newest ("mới nhất", "gần đây", "lần trước"). */
  recency: boolean;
}

/** A date a text mentions, as the span of days it covers. */
export interface DateMention {
  from: string;
  to: string;
  /** How precisely it was given. */
  precision: 'day' | 'month' | 'year';
  /** Offsets of the words in the text. */
  start: number;
  end: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
const isYear = (y: number) => y >= MIN_YEAR && y <= MAX_YEAR;
const isDayOf = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);

function yearSpan(y: number): { from: string; to: string } {
  return { from: iso(y, 1, 1), to: iso(y, 12, 31) };
}
function monthSpan(y: number, m: number): { from: string; to: string } {
  return { from: iso(y, m, 1), to: iso(y, m, daysInMonth(y, m)) };
}

/** Months a to b of year y, whole. */
function monthsSpan(y: number, a: number, b: number): { from: string; to: string } {
  return { from: monthSpan(y, a).from, to: monthSpan(y, b).to };
}

function parseDay(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

function addDays(day: string, n: number): string {
  const { y, m, d } = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Monday of the week holding `day` (Vietnamese weeks start on Monday). */
function mondayOf(day: string): string {
  const { y, m, d } = parseDay(day);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** The latest (day, month) on or before the reference: "ngày 23/11" asked in March is last November's. */
function latestYearOf(m: number, d: number, reference: string): number {
  const ref = parseDay(reference);
  return m < ref.m || (m === ref.m && d <= ref.d) ? ref.y : ref.y - 1;
}

/** Counts written as words (folded), where a rule's pattern lets them in: "hai năm trước", "sáu tháng đầu năm". */
const COUNT_WORDS: Record<string, number> = { mot: 1, hai: 2, ba: 3, bon: 4, nam: 5, sau: 6, chin: 9, muoi: 10 };

/** Cue-led parts of a year: "đầu năm 2020" = January–March. */
const PART_OF_YEAR: Record<string, [number, number]> = {
  dau: [1, 3],
  giua: [4, 9],
  cuoi: [10, 12],
};

/** "quý IV", "quý 4". */
const QUARTERS: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

/** The months of "6 tháng đầu năm y" ("nửa" is six, `end` "dau" or "cuoi"), or null for a count that is no part of a year. */
function partOfYearSpan(y: number, count: string | undefined, end: string): { from: string; to: string } | null {
  const months = count === undefined ? 6 : (COUNT_WORDS[count] ?? Number(count));
  if (months < 1 || months > 12) return null;
  return end === 'dau' ? monthsSpan(y, 1, months) : monthsSpan(y, 13 - months, 12);
}

/** The months of quarter "i"…"iv" / "1"…"4" of year y. */
function quarterSpan(y: number, quarter: string): { from: string; to: string } {
  const q = QUARTERS[quarter]!;
  return monthsSpan(y, 3 * q - 2, 3 * q);
}

interface Rule {
  anchor: PeriodAnchor;
  re: RegExp;
  read(m: RegExpExecArray, reference: string): { from: string; to: string } | null;
}

// Folded text; `\b` is safe because folded text is plain ASCII letters and digits around these.
const Y = '(\\d{4})';
const YEAR_WORD = 'nam';
const RANGE_CUE = '(?:tu|giai doan|thoi ky|trong (?:nhung|cac) nam|(?:trong )?khoang)';
const TO_WORD = '(?:den|toi|-|–|—)';

/** Period rules, most specific first; the first that matches decides. */
const PERIOD_RULES: Rule[] = [
  {
    anchor: 'calendar',
    // "từ năm 2018 đến năm 2020", "giai đoạn 2016-2020", "từ 2018 tới 2020"
    re: new RegExp(`\\b${RANGE_CUE}\\s+(?:${YEAR_WORD}\\s+)?${Y}\\s*${TO_WORD}\\s*(?:${YEAR_WORD}\\s+)?${Y}\\b`, 'g'),
    read: (m) => {
      const a = Number(m[1]);
      const b = Number(m[2]);
      return isYear(a) && isYear(b) && a <= b ? { from: yearSpan(a).from, to: yearSpan(b).to } : null;
    },
  },
  {
    anchor: 'calendar',
    // "từ tháng 3/2019 đến tháng 5/2020"
    re: /\btu thang (\d{1,2})[/.-](\d{4})\s*(?:den|toi|-)\s*thang (\d{1,2})[/.-](\d{4})\b/g,
    read: (m) => {
      const [m1, y1, m2, y2] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
      if (!isYear(y1) || !isYear(y2) || m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) return null;
      const a = monthSpan(y1, m1);
      const b = monthSpan(y2, m2);
      return a.from <= b.to ? { from: a.from, to: b.to } : null;
    },
  },
  {
    // "ngày 23/11/2020", "ngày 4-12-2006"
    anchor: 'calendar',
    re: /\bngay (\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/g,
    read: (m) => {
      const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return isYear(y) && isDayOf(y, mo, d) ? { from: iso(y, mo, d), to: iso(y, mo, d) } : null;
    },
  },
  {
    // "ngày 23/11": the latest such day on or before the reference date
    anchor: 'inferred',
    re: /\bngay (\d{1,2})[/.-](\d{1,2})\b(?![/.-]\d)/g,
    read: (m, reference) => {
      const [d, mo] = [Number(m[1]), Number(m[2])];
      const y = latestYearOf(mo, d, reference);
      return isDayOf(y, mo, d) ? { from: iso(y, mo, d), to: iso(y, mo, d) } : null;
    },
  },
  {
    // "đầu tháng 11/2020"? no: "tháng 11/2020", "tháng 11 năm 2020"
    anchor: 'calendar',
    re: /\bthang (\d{1,2})(?:[/.-]|\s+nam\s+)(\d{4})\b/g,
    read: (m) => {
      const [mo, y] = [Number(m[1]), Number(m[2])];
      return isYear(y) && mo >= 1 && mo <= 12 ? monthSpan(y, mo) : null;
    },
  },
  {
    // "6 tháng đầu năm 2004", "nửa cuối năm 2019", "3 tháng cuối năm 2005": the first or last months
    anchor: 'calendar',
    re: /\b(?:(\d{1,2}|ba|sau|chin) thang|nua) (dau|cuoi) nam (\d{4})\b/g,
    read: (m) => {
      const y = Number(m[3]);
      return isYear(y) ? partOfYearSpan(y, m[1], m[2]!) : null;
    },
  },
  {
    // "quý IV/2005", "quý 2 năm 2019"
    anchor: 'calendar',
    re: /\bquy (iv|i{1,3}|[1-4])(?:[/.-]|\s+(?:nam\s+)?)(\d{4})\b/g,
    read: (m) => {
      const y = Number(m[2]);
      return isYear(y) ? quarterSpan(y, m[1]!) : null;
    },
  },
  {
    // "đầu năm 2020", "cuối năm 2019", "giữa năm 2018"
    anchor: 'calendar',
    re: /\b(dau|giua|cuoi) nam (\d{4})\b/g,
    read: (m) => {
      const y = Number(m[2]);
      const [a, b] = PART_OF_YEAR[m[1]!]!;
      return isYear(y) ? monthsSpan(y, a, b) : null;
    },
  },
  {
    // "năm 2019", "trong năm 2019"
    anchor: 'calendar',
    re: /\bnam (\d{4})\b(?![/.-]\d)/g,
    read: (m) => {
      const y = Number(m[1]);
      return isYear(y) ? yearSpan(y) : null;
    },
  },
  {
    // "tháng 11" (no year): the latest November on or before the reference date
    anchor: 'inferred',
    re: /\bthang (\d{1,2})\b(?![/.-]\d)(?!\s+nam\s+\d)/g,
    read: (m, reference) => {
      const mo = Number(m[1]);
      if (mo < 1 || mo > 12) return null;
      return monthSpan(latestYearOf(mo, 1, reference), mo);
    },
  },
  {
    // "đầu năm", "cuối năm" (no year): of the reference year ("đầu năm nay" too)
    anchor: 'inferred',
    re: /\b(dau|giua|cuoi) nam(?: nay)?\b(?!\s*\d)/g,
    read: (m, reference) => {
      const { y } = parseDay(reference);
      const [a, b] = PART_OF_YEAR[m[1]!]!;
      return monthsSpan(y, a, b);
    },
  },
  { anchor: 'relative', re: /\bhom qua\b/g, read: (_m, r) => ({ from: addDays(r, -1), to: addDays(r, -1) }) },
  { anchor: 'relative', re: /\btuan (?:nay|qua)\b/g, read: (_m, r) => ({ from: mondayOf(r), to: r }) },
  {
    anchor: 'relative',
    re: /\btuan truoc\b(?!\s+(?:do|ay)\b)/g,
    read: (_m, r) => {
      const monday = mondayOf(r);
      return { from: addDays(monday, -7), to: addDays(monday, -1) };
    },
  },
  {
    anchor: 'relative',
    re: /\bthang (?:nay|qua)\b/g,
    read: (_m, r) => {
      const { y, m } = parseDay(r);
      return { from: iso(y, m, 1), to: r };
    },
  },
  {
    anchor: 'relative',
    re: /\bthang truoc\b(?!\s+(?:do|ay)\b)/g,
    read: (_m, r) => {
      const { y, m } = parseDay(r);
      return m === 1 ? monthSpan(y - 1, 12) : monthSpan(y, m - 1);
    },
  },
  // "năm nay bao nhiêu tuổi" asks someone's age now, not for this year's articles.
  { anchor: 'relative', re: /\bnam nay\b(?!\s+(?:bao nhieu|may)\s+tuoi\b)/g, read: (_m, r) => ({ from: iso(parseDay(r).y, 1, 1), to: r }) },
  // "năm trước đó" leans on the event just named, not on today; "hai năm trước" is two years back;
  // "(từ) bao nhiêu năm trước" asks how long ago, it names no year.
  {
    anchor: 'relative',
    re: /\b(?<!\b(?:bao nhieu|may) )(?:(\d{1,2}|mot|hai|ba|bon|nam|muoi) )?nam (?:ngoai|truoc|roi)\b(?!\s+(?:do|ay|nua)\b)/g,
    read: (m, r) => {
      const back = m[1] === undefined ? 1 : Number(m[1]) || (COUNT_WORDS[m[1]] ?? 0);
      return back > 0 ? yearSpan(parseDay(r).y - back) : null;
    },
  },
  // "gần đây", "thời gian qua": the last 30 days (and a preference for the newest, below)
  { anchor: 'relative', re: /\b(?:gan day|moi day|thoi gian (?:qua|gan day))\b/g, read: (_m, r) => ({ from: addDays(r, -30), to: r }) },
];

/** Words that ask for the newest news without naming a period. */
// "hôm nay" is read as "the latest", not as a one-day period: an archive seldom holds today's
// articles, and a reader asking "giá vàng hôm nay" is better served by the newest figure with its date.
const RECENCY = /\b(?:moi nhat|gan nhat|gan day(?: nhat)?|moi day|lan truoc|lan gan nhat|hien nay|hien tai|hom nay)\b/;
/** The same, with the "tin (tức)" they qualify: words to leave out of a search, not to match. */
const RECENCY_WORDS = /\b(?:(?:cac |nhung )?(?:tin tuc|thong tin|tin) )?(?:moi nhat|gan nhat|gan day(?: nhat)?|moi day|lan gan nhat)\b/g;

/**
 * A period right after the name of a plan or a term is part of that name: "Kế hoạch hành động
 * ASEAN-LHQ giai đoạn 2021-2025", "Chiến lược 2016-2020", "nhiệm kỳ 2016-2021".
 */
const NAMED_PLAN = /\b(?:ke hoach|chien luoc|chuong trinh|de an|tam nhin|quy hoach|nhiem ky|ke hoach hanh dong)\b[^.,;:?!]{0,60}$/;

/**
 * "năm" folds to "nam", as do "Nam" (south, Việt Nam) and "nam" (male): a toned question that
 * writes "nam" did not mean the year, and "Việt Nam 2020" never does.
 */
function meansYearWord(original: string, folded: string, at: number, toned: boolean): boolean {
  const word = original.slice(at, at + 3);
  if (toned && word.toLowerCase() !== 'năm') return false;
  if (!toned && word === 'Nam') return false;
  return !/\b(?:viet|mien|ha|nam)\s+$/.test(folded.slice(Math.max(0, at - 6), at));
}

/** Offsets of every "nam" in the match that must mean "năm". */
function yearWordsOk(original: string, folded: string, m: RegExpExecArray, toned: boolean): boolean {
  const re = /\bnam\b/g;
  for (let x = re.exec(m[0]); x; x = re.exec(m[0])) {
    if (!meansYearWord(original, folded, m.index + x.index, toned)) return false;
  }
  return true;
}

/** A reference day (`YYYY-MM-DD`) for "today" in Vietnam (UTC+7), where the news is. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The period a question names and whether it prefers recent news. Relative expressions
 * ("hôm qua", "năm ngoái") are resolved against `reference` (`YYYY-MM-DD`).
 */
export function readTime(question: string, reference: string): TimeReading {
  const original = normalizeQuery(question);
  const folded = foldDiacritics(original);
  // A folded string of another length cannot lend its offsets: read it without the year-word check.
  const aligned = folded.length === original.length;
  const toned = hasDiacritics(original);
  const recency = RECENCY.test(folded);
  for (const rule of PERIOD_RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(folded); m; m = rule.re.exec(folded)) {
      if (aligned && !yearWordsOk(original, folded, m, toned)) continue;
      if (NAMED_PLAN.test(folded.slice(0, m.index))) continue;
      const span = rule.read(m, reference);
      if (!span) continue;
      const text = aligned ? original.slice(m.index, m.index + m[0].length) : m[0];
      return { period: { ...span, text }, anchor: rule.anchor, recency };
    }
  }
  return { period: null, anchor: null, recency };
}

/**
 * The question without the words that only say when ("năm 2019", "tuần trước", "tin mới nhất"):
 * once they are a filter or a preference, matching them as words would favour passages that
 * merely repeat them ("kế hoạch … năm 2019") over the ones that tell what happened.
 */
export function withoutTimeWords(question: string, reading: TimeReading): string {
  const original = normalizeQuery(question);
  const folded = foldDiacritics(original);
  if (folded.length !== original.length) return original;
  const spans: Array<[number, number]> = [];
  if (reading.period) {
    const at = original.indexOf(reading.period.text);
    if (at >= 0) spans.push([at, at + reading.period.text.length]);
  }
  if (reading.recency) for (const m of folded.matchAll(RECENCY_WORDS)) spans.push([m.index, m.index + m[0].length]);
  let out = original;
  for (const [a, b] of spans.sort((x, y) => y[0] - x[0])) out = `${out.slice(0, a)} ${out.slice(b)}`;
  const cleaned = out.replace(/\s+/g, ' ').replace(/^\s*[,;:]\s*/, '').trim();
  // A question that was nothing but time words keeps them: there is nothing else to search.
  return /[\p{L}\p{N}]{2,}/u.test(cleaned.replace(/\b(?:về|ve|có|co|gì|gi|không|khong)\b/gu, '')) ? cleaned : original;
}

/** True when two day ranges share at least one day. */
export function overlaps(a: { from: string; to: string }, b: { from: string; to: string }): boolean {
  return a.from <= b.to && b.from <= a.to;
}

// Dates in article text: a full date, a month of a year, or a year after "năm"; numbers inside
// identifiers ("Res/61/44", "2016-2020") are not dates.
const TEXT_DATE = /(?<![\w/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\w/-])/g;
const TEXT_DAY_MONTH = /\bngay (\d{1,2})(?:\s*(?:-|va|,)\s*\d{1,2})?[/.-](\d{1,2})\b(?![/.-]\d)/g;
const TEXT_MONTH = /\bthang (\d{1,2})(?:[/.-]|\s+nam\s+)(\d{4})\b/g;
const TEXT_YEAR = /\bnam (\d{4})\b(?![/.-]\d)/g;
/** "6 tháng đầu năm 2004", "nửa cuối năm": the first or last months of a year, written or the article's. */
const TEXT_PART_OF_YEAR = /\b(?:(\d{1,2}|ba|sau|chin) thang|nua) (dau|cuoi) nam(?: (\d{4})| nay)?\b(?![/.-]\d)/g;
/** "quý IV/2005", "quý 2 năm 2019", "quý I" (the article's year). */
const TEXT_QUARTER = /\bquy (iv|i{1,3}|[1-4])(?:(?:[/.-]|\s+(?:nam\s+)?)(\d{4})| nam nay)?\b(?![/.-]\d)/g;
/**
 * "năm nay", "năm ngoái", "năm tới": a year relative to the article's. Not "hai năm trước" (a
 * span back from an event), "những năm trước" (several), nor "năm trước đó" (before another event).
 */
const TEXT_RELATIVE_YEAR = /(?<!\b(?:\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|nhung|cac|moi|hang|vai|may) )\bnam (nay|ngoai|truoc|toi|sau)\b(?!\s+(?:do|ay|nua|bao nhieu|may)\b)/g;
const YEAR_OFFSET: Record<string, number> = { nay: 0, ngoai: -1, truoc: -1, toi: 1, sau: 1 };

/**
 * The dates a text mentions, in text order. A day without a year ("ngày 23/11") takes the year
 * of `contextYear` (the article's) when given, and is skipped otherwise.
 */
export function datesIn(text: string, contextYear?: number): DateMention[] {
  const folded = foldDiacritics(text);
  const out: DateMention[] = [];
  const taken: Array<[number, number]> = [];
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  const add = (span: { from: string; to: string }, precision: DateMention['precision'], s: number, e: number) => {
    if (!free(s, e)) return;
    taken.push([s, e]);
    out.push({ ...span, precision, start: s, end: e });
  };
  for (const m of folded.matchAll(TEXT_DATE)) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (isYear(y) && isDayOf(y, mo, d)) add({ from: iso(y, mo, d), to: iso(y, mo, d) }, 'day', m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(TEXT_MONTH)) {
    const [mo, y] = [Number(m[1]), Number(m[2])];
    if (isYear(y) && mo >= 1 && mo <= 12) add(monthSpan(y, mo), 'month', m.index, m.index + m[0].length);
  }
  // "năm" folds to "nam", as "Nam" (south) does: a relative year needs the word as written.
  const isYearWord = (at: number) => text.slice(at, at + 3).toLowerCase() === 'năm';
  for (const m of folded.matchAll(TEXT_PART_OF_YEAR)) {
    const y = m[3] !== undefined ? Number(m[3]) : contextYear;
    const span = y !== undefined && isYear(y) ? partOfYearSpan(y, m[1], m[2]!) : null;
    if (span) add(span, 'month', m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(TEXT_QUARTER)) {
    const y = m[2] !== undefined ? Number(m[2]) : contextYear;
    if (y !== undefined && isYear(y)) add(quarterSpan(y, m[1]!), 'month', m.index, m.index + m[0].length);
  }
  if (contextYear !== undefined) {
    for (const m of folded.matchAll(TEXT_RELATIVE_YEAR)) {
      const y = contextYear + YEAR_OFFSET[m[1]!]!;
      if (isYearWord(m.index) && isYear(y)) add(yearSpan(y), 'year', m.index, m.index + m[0].length);
    }
    for (const m of folded.matchAll(TEXT_DAY_MONTH)) {
      const [d, mo] = [Number(m[1]), Number(m[2])];
      if (isDayOf(contextYear, mo, d)) add({ from: iso(contextYear, mo, d), to: iso(contextYear, mo, d) }, 'day', m.index, m.index + m[0].length);
    }
  }
  for (const m of folded.matchAll(TEXT_YEAR)) {
    const y = Number(m[1]);
    if (isYear(y)) add(yearSpan(y), 'year', m.index, m.index + m[0].length);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Words that make a sentence's date the date of what it tells ("diễn ra ngày …", "Năm 1977, …"). */
const EVENT_CUE = /\b(?:dien ra|to chuc|khai mac|be mac|thong qua|ky ket|ky|thanh lap|lap|bat dau|ket thuc|tham du|gap|hop|vao|tu|den|trong|tai|ngay|nam|thang|hom)\b/;

/**
 * The date of the event a sentence tells: the first date it mentions when the sentence ties it to
 * what happened (an event verb, or the date opening the sentence: "Năm 1977, …", "Ngày 23/11, …");
 * null otherwise, and the caller falls back to the article's `publishedAt`.
 */
export function eventDateOf(sentence: string, publishedAt: string | null, undatedYear?: number): DateMention | null {
  const published = publishedAt ? Number(publishedAt.slice(0, 4)) : undefined;
  const contextYear = published !== undefined && Number.isFinite(published) ? published : undatedYear;
  const dates = datesIn(sentence, contextYear);
  const first = dates[0];
  if (!first) return null;
  const folded = foldDiacritics(sentence);
  const opens = first.start <= 12;
  return opens || EVENT_CUE.test(folded) ? first : null;
}

/** A year given as the base of a comparison ("so với cùng kỳ năm 2003"), which is not when the text was written. */
const COMPARED_WITH = /\b(?:so voi|cung ky)(?: cung ky)?(?: nam)? $/;

/**
 * The year an undated text most likely speaks from: the year it names most often, the base of a
 * comparison ("tăng 25% so với năm 2003") left out, the later on a tie; undefined when it names
 * none. "năm nay" and "6 tháng đầu năm" in an undated article are read in that year.
 */
export function likelyYearOf(text: string): number | undefined {
  const folded = foldDiacritics(text);
  const counts = new Map<number, number>();
  for (const d of datesIn(text)) {
    const before = folded.slice(Math.max(0, d.start - 20), d.start);
    if (COMPARED_WITH.test(before)) continue;
    const y = Number(d.from.slice(0, 4));
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  let best: [number, number] | undefined;
  for (const [y, n] of counts) if (!best || n > best[1] || (n === best[1] && y > best[0])) best = [y, n];
  return best?.[0];
}
