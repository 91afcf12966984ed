/** `2024-03-05` or `2024-03-05T08:00:00+07:00` → `05/03/2024`; the calendar date as written, no time-zone shift. */
export function formatDateVi(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** "từ 01/01/2019 đến 31/12/2019", or "ngày 23/11/2020" for a single day. */
export function describeDayRange(range: { from: string; to: string }): string {
  return range.from === range.to ? `ngày ${formatDateVi(range.from)}` : `từ ${formatDateVi(range.from)} đến ${formatDateVi(range.to)}`;
}

/** A search filter in one Vietnamese line: "nguồn VOV; từ 01/01/2019 đến 31/12/2020". */
export function describeFilterVi(filter: {
  outlets?: string[];
  sections?: string[];
  from?: string;
  to?: string;
  documentIds?: string[];
}): string {
  const parts: string[] = [];
  if (filter.outlets?.length) parts.push(`nguồn ${filter.outlets.join(', ')}`);
  if (filter.sections?.length) parts.push(`chuyên mục ${filter.sections.join(', ')}`);
  if (filter.from && filter.to) parts.push(describeDayRange({ from: filter.from, to: filter.to }));
  else if (filter.from) parts.push(`từ ${formatDateVi(filter.from)}`);
  else if (filter.to) parts.push(`đến ${formatDateVi(filter.to)}`);
  if (filter.documentIds?.length) parts.push(`bài ${filter.documentIds.join(', ')}`);
  return parts.join('; ');
}
