import { boostRecent } from '../retrieval/recency.js';
import type { SearchOptions, SearchResponse, SearchResult, Searcher } from '../retrieval/types.js';
import { isEmptyFilter, type SearchFilter } from '../store/filter.js';
import type { ArchiveFacets } from '../store/types.js';
import { describeDayRange } from '../text/dates.js';
import { splitSentences } from '../text/sentences.js';
import { eventDateOf, likelyYearOf, readTime, todayInVietnam, withoutTimeWords, type Period } from '../text/time.js';

/**
 * What narrows a chat turn's search: the user's filter (the request's or the conversation's),
 * the period the question names ("năm 2019", "tuần trước"), and a preference for recent news
 * ("mới nhất"). A filter with dates wins over the question's period.
 */

/** The period of a turn as the record reports it. */
export interface PeriodReport extends Period {
  /** False when the request's filter had dates of its own, which won. */
  applied: boolean;
  /**
   * False when no passage of the period was relevant and the search went on over the whole
   * archive (the answer says so); true when the period narrowed the search.
   */
  found: boolean;
}

export interface TurnScope {
  /** The filter every search of the turn applies; undefined for none. */
  filter: SearchFilter | undefined;
  /** The question's period (own or kept from the previous turn), applied or not. */
  period: PeriodReport | null;
  /** The question asks for the newest: results are re-ranked with the capped recency boost. */
  recency: boolean;
  /** The day relative expressions were resolved against. */
  reference: string;
  /** The question as searched and answered: without the time words the scope already applies. */
  query(question: string): string;
  /** Searches within the scope, narrowed further by `within` (a follow-up's previous documents). */
  search(searcher: Searcher, query: string, options: SearchOptions, within?: SearchFilter): Promise<SearchResponse>;
}

/**
 * Where the reference day comes from (TIME_REFERENCE); `archive` takes the newest day of the
 * archive's facets (read once per turn by the caller).
 */
export function resolveReferenceDay(
  setting: string,
  facets: Pick<ArchiveFacets, 'lastPublished'> | null,
  now: () => Date = () => new Date(),
): string {
  if (setting === 'today') return todayInVietnam(now());
  if (setting === 'archive') return facets?.lastPublished ?? todayInVietnam(now());
  return setting;
}

/**
 * True when a passage belongs to the period: its article was published in it, or one of its
 * sentences tells of an event in it ("Năm 2010, …" in an article of any date). A date later than
 * the article's publication is a plan ("dự kiến hoàn thành năm 2019"), not an event of the period.
 */
export function passageInPeriod(result: Pick<SearchResult, 'publishedAt' | 'text'>, period: Pick<Period, 'from' | 'to'>): boolean {
  const day = result.publishedAt?.slice(0, 10);
  if (day && day >= period.from && day <= period.to) return true;
  // An undated article's "năm nay", "6 tháng đầu năm" are read in the year its passage names most.
  const undatedYear = day ? undefined : likelyYearOf(result.text);
  return splitSentences(result.text).some((s) => {
    const event = eventDateOf(s.text, result.publishedAt, undatedYear);
    // Within the period: "năm 2020" does not place an event in June 2020.
    return event !== null && event.from >= period.from && event.to <= period.to && (!day || event.from <= day);
  });
}

/**
 * Extra passages read, beyond k, when a period narrows: those of undated articles that mention a
 * date in the period are found among them.
 */
const PERIOD_WIDENING = 3;

export interface ScopeInput {
  question: string;
  filter: SearchFilter | undefined;
  /** The previous turn's period: a follow-up without its own keeps it. */
  previousPeriod?: Period;
  isFollowUp: boolean;
  reference: string;
  relevanceThreshold: number;
  /**
   * Whether any article of the archive has a date. In an undated archive (an encyclopaedia, a
   * question set) "năm 1990" is what the question is about, not a period to narrow to.
   */
  archiveHasDates: boolean;
}

export function makeTurnScope(input: ScopeInput): TurnScope {
  const filter = isEmptyFilter(input.filter) ? undefined : input.filter;
  const reading = readTime(input.question, input.reference);
  const read = reading.period ?? (input.isFollowUp ? (input.previousPeriod ?? null) : null);
  const datedFilter = filter?.from !== undefined || filter?.to !== undefined;
  const applies = !datedFilter && input.archiveHasDates;
  const period: PeriodReport | null = read ? { ...read, applied: applies, found: applies } : null;
  const narrowing = period?.applied ? period : null;

  const withFilter = (options: SearchOptions, extra?: SearchFilter): SearchOptions => {
    const f = extra ? { ...filter, ...extra } : filter;
    return f ? { ...options, filter: f } : options;
  };

  let narrowedOnce = false;
  let widenedOnce = false;
  let droppedOnce = false;

  async function search(searcher: Searcher, query: string, options: SearchOptions, within?: SearchFilter): Promise<SearchResponse> {
    const k = options.k ?? 5;
    const searchWithoutPeriod = async () => {
      const response = await searcher.search(query, withFilter(options, within));
      return reading.recency ? { ...response, results: boostRecent(response.results, input.reference) } : response;
    };
    if (!narrowing) return searchWithoutPeriod();
    // Articles published in the period (the store narrows), and articles of any date whose
    // passages tell of the period ("Năm 2010, …" in an undated article).
    const [published, mentioned] = await Promise.all([
      searcher.search(query, withFilter(options, { ...within, from: narrowing.from, to: narrowing.to })),
      searcher.search(query, withFilter({ ...options, k: k * PERIOD_WIDENING }, within)),
    ]);
    const best = new Map<string, SearchResult>();
    for (const r of [...published.results, ...mentioned.results]) {
      if (!passageInPeriod(r, narrowing)) continue;
      const seen = best.get(r.chunkId);
      if (!seen || r.score > seen.score) best.set(r.chunkId, r);
    }
    const inPeriod = [...best.values()].sort((a, b) => b.score - a.score);
    const results = (reading.recency ? boostRecent(inPeriod, input.reference) : inPeriod).slice(0, k);
    if ((inPeriod[0]?.score ?? 0) >= input.relevanceThreshold) {
      narrowedOnce = true;
      return { results, relevant: true, ...(published.restoredQuery ? { restoredQuery: published.restoredQuery } : {}) };
    }
    if (reading.anchor === 'inferred') {
      // "ngày 10/7", "cuối tháng 10" without a year were placed in the latest such days, a guess
      // an archive of other years proves wrong: the words describe the event, not when to look.
      droppedOnce = true;
      return searchWithoutPeriod();
    }
    // Nothing of the period is surely relevant. Answering from other years would present another
    // period's fact as the asked one ("… năm 2022?" answered with a 2019 agreement): only the
    // period's passages are given, marked not relevant, and the answerer decides from what they
    // say; when it declines, the notice says how to search the whole archive.
    widenedOnce = true;
    return { results, relevant: false };
  }

  return {
    filter,
    get period() {
      // Found when any search of the turn was answered within the period.
      if (!period) return null;
      // A guessed period that found nothing was dropped: the turn searched the whole archive.
      const applied = period.applied && !(droppedOnce && !narrowedOnce);
      return { ...period, applied, found: applied && (narrowedOnce || !widenedOnce) };
    },
    recency: reading.recency,
    reference: input.reference,
    query: (question) =>
      narrowing || reading.recency
        ? withoutTimeWords(question, { period: narrowing ? reading.period : null, anchor: reading.anchor, recency: reading.recency })
        : question,
    search,
  };
}

const describePeriod = describeDayRange;

/** The words an answer opens with when the question named a period: the period it searched. */
export function periodPreamble(period: PeriodReport): string {
  return `Trong các bài ${describePeriod(period)}: `;
}

/** The notice of a turn whose period found nothing: the period was kept, and how to widen. */
export function periodNotFoundNotice(period: Period): string {
  return `Chỉ tìm trong các bài ${describePeriod(period)} (theo “${period.text}” trong câu hỏi). Bỏ mốc thời gian để tìm trong toàn bộ kho bài.`;
}
