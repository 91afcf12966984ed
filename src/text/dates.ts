/** `2024-03-05` or `2024-03-05T08:00:00+07:00` → `05/03/2024`; the calendar date as written, no time-zone shift. */
export function formatDateVi(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}
