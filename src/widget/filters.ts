import { fetchFacets } from './api.js';
import { el } from './dom.js';
import type { SearchFilter } from './types.js';

/**
 * The chat page's filters: an outlet and a date range. The choices come from the API's facets
 * (the outlets the archive holds, its first and last day); the filter goes with every question,
 * so the conversation always searches what the bar shows (all empty = no filter).
 */
export interface FilterBar {
  element: HTMLElement;
  /** The filter to send: `{}` when nothing is chosen. */
  current(): SearchFilter;
}

export function createFilterBar(apiBase: string): FilterBar {
  const outlet = el('select', { id: 'vnrag-outlet', 'data-role': 'filter-outlet' }, [el('option', { value: '' }, ['Tất cả nguồn'])]);
  const from = el('input', { type: 'date', id: 'vnrag-from', 'data-role': 'filter-from' });
  const to = el('input', { type: 'date', id: 'vnrag-to', 'data-role': 'filter-to' });
  const span = el('span', { class: 'filters-span', 'data-role': 'filter-span' });
  const element = el('div', { class: 'filters', role: 'group', 'aria-label': 'Bộ lọc tìm kiếm' }, [
    el('label', { for: 'vnrag-outlet' }, ['Nguồn']),
    outlet,
    el('label', { for: 'vnrag-from' }, ['Từ ngày']),
    from,
    el('label', { for: 'vnrag-to' }, ['Đến ngày']),
    to,
    span,
  ]);

  // A range where "from" is after "to" would be refused by the API: keep each bound within the other.
  from.addEventListener('change', () => {
    if (from.value) to.min = from.value;
  });
  to.addEventListener('change', () => {
    if (to.value) from.max = to.value;
  });

  void fetchFacets(apiBase).then((facets) => {
    if (!facets) return;
    for (const o of facets.outlets) outlet.appendChild(el('option', { value: o.name }, [`${o.name} (${o.articles})`]));
    if (facets.firstPublished && facets.lastPublished) {
      for (const input of [from, to]) {
        input.min = facets.firstPublished;
        input.max = facets.lastPublished;
      }
      const [fy, fm, fd] = facets.firstPublished.split('-');
      const [ly, lm, ld] = facets.lastPublished.split('-');
      span.textContent = `Kho bài: ${fd}/${fm}/${fy} – ${ld}/${lm}/${ly}`;
    }
  });

  return {
    element,
    current() {
      const filter: SearchFilter = {};
      if (outlet.value) filter.outlets = [outlet.value];
      if (from.value) filter.from = from.value;
      if (to.value) filter.to = to.value;
      return filter;
    },
  };
}
