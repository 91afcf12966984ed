import type { ParseArgsConfig } from 'node:util';
import { readFilter } from '../server/schemas.js';
import type { SearchFilter } from '../store/filter.js';
import { UsageError } from './run.js';

/** The filter flags `npm run search` and `npm run ask` share, in `parseArgs` form. */
export const FILTER_OPTIONS = {
  outlet: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  doc: { type: 'string', multiple: true },
  section: { type: 'string', multiple: true },
} as const satisfies ParseArgsConfig['options'];

export const FILTER_USAGE = `  --outlet NAME  only articles of this outlet (repeatable; case and diacritics ignored)
  --from DAY     only articles published on or after DAY (YYYY-MM-DD)
  --to DAY       only articles published on or before DAY (YYYY-MM-DD)
  --doc ID       only this article (repeatable)
  --section NAME only articles of this section (repeatable)`;

export interface FilterFlagValues {
  outlet?: string[];
  from?: string;
  to?: string;
  doc?: string[];
  section?: string[];
}

/** The flags as a SearchFilter (undefined when none is given), checked by the API's own rules. */
export function filterFromFlags(values: FilterFlagValues): SearchFilter | undefined {
  const raw: Record<string, unknown> = {};
  if (values.outlet?.length) raw.outlets = values.outlet;
  if (values.from !== undefined) raw.from = values.from;
  if (values.to !== undefined) raw.to = values.to;
  if (values.doc?.length) raw.documentIds = values.doc;
  if (values.section?.length) raw.sections = values.section;
  if (Object.keys(raw).length === 0) return undefined;
  const read = readFilter(raw);
  if (!read.ok) throw new UsageError(read.message);
  return read.filter;
}
