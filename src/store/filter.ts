import { z } from 'zod';
import { foldDiacritics, normalizeVietnamese } from '../text/normalize.js';

/**
 * Which articles a search may return. Every field is optional and they combine with AND; a list
 * matches when any of its values does. Dates are inclusive calendar days (`YYYY-MM-DD`) compared
 * with an article's `publishedAt` (an article without a date never matches a date bound). Outlets
 * and sections match case- and diacritic-insensitively ("vov" = "VOV", "the gioi" = "Thế giới").
 *
 * This is the one filter shape of the product: the API's JSON body, the CLIs' flags, the
 * conversation record and every store implementation take it.
 */
export interface SearchFilter {
  outlets?: string[];
  from?: string;
  to?: string;
  documentIds?: string[];
  sections?: string[];
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDay(day: string): boolean {
  if (!ISO_DAY.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

const MAX_FILTER_VALUES = 100;
const nameList = z
  .array(z.string().trim().min(1, 'Giá trị không được để trống.').max(200, 'Giá trị quá dài (tối đa 200 ký tự).'))
  .min(1, 'Danh sách không được rỗng.')
  .max(MAX_FILTER_VALUES, `Tối đa ${MAX_FILTER_VALUES} giá trị.`);
const day = z.string().refine(isCalendarDay, 'Ngày phải có dạng YYYY-MM-DD và là một ngày có thật.');

/** The filter as it arrives from outside (JSON body, CLI flags, a stored conversation). */
export const searchFilterSchema = z
  .strictObject({
    outlets: nameList.optional(),
    from: day.optional(),
    to: day.optional(),
    documentIds: nameList.optional(),
    sections: nameList.optional(),
  })
  .refine((f) => f.from === undefined || f.to === undefined || f.from <= f.to, {
    message: 'Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).',
    path: ['from'],
  });

/** True when the filter restricts nothing (absent, or every field empty). */
export function isEmptyFilter(filter: SearchFilter | undefined): boolean {
  if (!filter) return true;
  return (
    !filter.outlets?.length && !filter.sections?.length && !filter.documentIds?.length && !filter.from && !filter.to
  );
}

/** The form in which outlet and section names are compared. */
export function foldName(name: string): string {
  return foldDiacritics(normalizeVietnamese(name)).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** What a filter is checked against: an article's (or its passages') metadata. */
export interface FilterableArticle {
  id: string;
  outlet: string | null;
  publishedAt: string | null;
  section?: string | null;
}

/**
 * The filter compiled once into a predicate over article metadata; stores use it where they
 * cannot push the filter into their own query language.
 */
export function compileFilter(filter: SearchFilter | undefined): (article: FilterableArticle) => boolean {
  if (isEmptyFilter(filter)) return () => true;
  const f = filter!;
  // An archive has few distinct outlets and sections and many articles: fold each name once.
  const folded = new Map<string, string>();
  const fold = (name: string) => {
    let f = folded.get(name);
    if (f === undefined) folded.set(name, (f = foldName(name)));
    return f;
  };
  const outlets = f.outlets?.length ? new Set(f.outlets.map(foldName)) : null;
  const sections = f.sections?.length ? new Set(f.sections.map(foldName)) : null;
  const ids = f.documentIds?.length ? new Set(f.documentIds) : null;
  const from = f.from ?? null;
  const to = f.to ?? null;
  return (a) => {
    if (ids && !ids.has(a.id)) return false;
    if (outlets && (a.outlet === null || !outlets.has(fold(a.outlet)))) return false;
    if (sections && (a.section == null || !sections.has(fold(a.section)))) return false;
    if (from !== null || to !== null) {
      const dayOf = a.publishedAt?.slice(0, 10);
      if (!dayOf) return false;
      if (from !== null && dayOf < from) return false;
      if (to !== null && dayOf > to) return false;
    }
    return true;
  };
}
