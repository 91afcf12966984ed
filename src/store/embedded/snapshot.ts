import { LRUCache } from 'lru-cache';
import type { Article } from '../../corpus/types.js';
import type { Chunk } from '../../ingest/types.js';
import { isEmptyFilter } from '../filter.js';
import type {
  ArchiveFacets,
  CommitInfo,
  DenseHit,
  LexicalMatches,
  SearchScope,
  StoreSettings,
  StoreSnapshot,
} from '../types.js';
import { addFacets, articleNumbers, compileTableFilter, type TableFacets } from './articleFilter.js';
import { analyzeQuery, ArchiveTerms, matchSegments, type LexicalPart } from './lexical.js';
import { exactTop } from './quantized.js';
import { segmentScope, type Segment, type SegmentScope } from './segment.js';

/** A segment as one commit sees it: the segment (shared between commits) and its tombstones in this commit. */
export interface SegmentView {
  segment: Segment;
  /** Per article number: 1 = deleted (replaced or removed by a later commit); null = none. */
  deleted: Uint8Array | null;
}

/** How a snapshot searches. */
export interface SnapshotOptions {
  /** The lexical searches' budget of postings (default `POSTINGS_BUDGET`; Infinity: none). */
  postingsBudget?: number;
}

/** Which passages of each segment a search may return. */
type ScopeMask = SegmentScope;

/** Scopes remembered per snapshot: a conversation asks its follow-ups with the same filter. */
const SCOPES_KEPT = 32;
/**
 * Passages whose location the searches found, remembered per snapshot: a hybrid search asks for
 * the texts and vectors of the hundred or so passages its two searches just returned, and finding
 * each by its id again cost a bisection of the article ids in every segment.
 */
const LOCATIONS_KEPT = 8192;

/** An article's location: which segment view and its number there. */
interface Located {
  view: number;
  article: number;
}

/**
 * A commit of the embedded store: immutable, over segments that later commits share. Searches
 * combine the segments (dense: the best of each; lexical: BM25 with archive-wide statistics),
 * with tombstones and the filter applied inside each segment's search.
 */
export class EmbeddedSnapshot implements StoreSnapshot {
  private readonly liveMasks: ScopeMask[];
  private readonly scopes = new LRUCache<string, ScopeMask[]>({ max: SCOPES_KEPT });
  private facetsMemo: ArchiveFacets | null = null;
  private readonly located = new LRUCache<string, { view: number; passage: number }>({ max: LOCATIONS_KEPT });
  private readonly vocabulary: ArchiveTerms;

  constructor(
    readonly commit: CommitInfo,
    readonly settings: StoreSettings,
    readonly views: readonly SegmentView[],
    private readonly options: SnapshotOptions = {},
  ) {
    this.liveMasks = views.map(liveMask);
    this.vocabulary = new ArchiveTerms(views.map((v) => v.segment.lexical));
  }

  /** Finds a live article; later segments win (an article lives in at most one, the writer sees to it). */
  private locateArticle(id: string): Located | null {
    for (let v = this.views.length - 1; v >= 0; v--) {
      const { segment, deleted } = this.views[v]!;
      const n = segment.articleNumber(id);
      if (n >= 0 && (deleted === null || deleted[n] === 0)) return { view: v, article: n };
    }
    return null;
  }

  /** Where the live passage `chunkId` is (the newest segment holding it live), or null. */
  private locateChunk(chunkId: string): { view: number; passage: number } | null {
    const known = this.located.get(chunkId);
    if (known) return known;
    for (let v = this.views.length - 1; v >= 0; v--) {
      const p = this.views[v]!.segment.locate(chunkId);
      if (p >= 0 && this.liveMasks[v]!.keep?.[p] !== 0) return this.remember(chunkId, v, p);
    }
    return null;
  }

  /** Notes where a search found a passage (searches return live passages only, so this is where `locateChunk` would find it). */
  private remember(chunkId: string, view: number, passage: number): { view: number; passage: number } {
    const at = { view, passage };
    this.located.set(chunkId, at);
    return at;
  }

  private scopeMasks(scope: SearchScope | undefined): ScopeMask[] {
    const excluded = scope?.excludeDocumentIds;
    if (isEmptyFilter(scope?.filter) && (!excluded || excluded.size === 0)) return this.liveMasks;
    const key = JSON.stringify([scope?.filter ?? null, excluded ? [...excluded].sort() : null]);
    const known = this.scopes.get(key);
    if (known) return known;
    const masks = this.views.map((view, v) => scopeMask(view, this.liveMasks[v]!, scope!));
    this.scopes.set(key, masks);
    return masks;
  }

  async denseSearch(vector: readonly number[], k: number, scope?: SearchScope): Promise<DenseHit[]> {
    const query = Float32Array.from(vector);
    const masks = this.scopeMasks(scope);
    // Graph hits are exact; the scans' candidates are rescored together, about k in all.
    const found = this.views.map(({ segment }, v) => segment.dense(query, k, masks[v]!));
    const known = found.flatMap((f, v) => ('hits' in f ? f.hits.map((h) => ({ source: v, ...h })) : []));
    const sources = found.map((f, v) => {
      if (!('candidates' in f)) return null;
      const segment = this.views[v]!.segment;
      return { candidates: f.candidates, exact: (passages: number[]) => segment.rescore(query, passages) };
    });
    const best = sources.some((s) => s !== null) ? await exactTop(k, sources, known) : known;
    const hits: DenseHit[] = best.map((h) => {
      const chunkId = this.views[h.source]!.segment.chunkId(h.passage);
      this.remember(chunkId, h.source, h.passage);
      return { chunkId, score: h.score };
    });
    return hits.sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1)).slice(0, k);
  }

  async lexicalSearch(query: string, limit: number, scope?: SearchScope, also?: readonly string[]): Promise<LexicalMatches> {
    const masks = this.scopeMasks(scope);
    const parts: LexicalPart[] = this.views.map(({ segment }, v) => ({ index: segment.lexical, keep: masks[v]!.keep }));
    // Tombstoned and filtered passages are never scored (their matchedTerms stay 0), so locating by id is enough.
    const locate = (chunkId: string) => {
      const at = this.locateChunk(chunkId);
      return at && masks[at.view]!.keep?.[at.passage] !== 0 ? { part: at.view, doc: at.passage } : null;
    };
    const found = (chunkId: string, part: number, doc: number) => void this.remember(chunkId, part, doc);
    const budget = this.options.postingsBudget;
    return matchSegments(parts, analyzeQuery(query), limit, {
      locate,
      found,
      vocabulary: this.vocabulary,
      ...(also ? { also } : {}),
      ...(budget !== undefined ? { postingsBudget: budget } : {}),
    });
  }

  async termIdf(terms: readonly string[]): Promise<Map<string, number>> {
    return new Map(terms.map((t) => [t, this.vocabulary.idf(t)]));
  }

  async vectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>> {
    // One read per segment for all its passages asked for.
    const wanted = new Map<number, Array<{ id: string; passage: number }>>();
    for (const id of chunkIds) {
      const at = this.locateChunk(id);
      if (at) wanted.set(at.view, [...(wanted.get(at.view) ?? []), { id, passage: at.passage }]);
    }
    const out = new Map<string, Float32Array>();
    await Promise.all(
      [...wanted].map(async ([view, items]) => {
        const vectors = await this.views[view]!.segment.vectors(items.map((x) => x.passage));
        items.forEach((x, i) => out.set(x.id, vectors[i]!));
      }),
    );
    return new Map(chunkIds.filter((id) => out.has(id)).map((id) => [id, out.get(id)!]));
  }

  async passages(chunkIds: readonly string[]): Promise<Map<string, Chunk>> {
    // All at once: a hybrid search asks for about a hundred, each a read of its article's record,
    // and reading them one after the other cost more than the lexical search.
    const found = await Promise.all(
      chunkIds.map(async (id) => {
        const at = this.locateChunk(id);
        return at ? ([id, await this.views[at.view]!.segment.passage(at.passage)] as const) : null;
      }),
    );
    return new Map(found.filter((x) => x !== null));
  }

  async article(id: string): Promise<Article | undefined> {
    const at = this.locateArticle(id);
    if (!at) return undefined;
    const { contentHash: _hash, ...article } = await this.views[at.view]!.segment.article(at.article);
    return { ...article, section: article.section ?? null };
  }

  async facets(): Promise<ArchiveFacets> {
    this.facetsMemo ??= computeFacets(this.views);
    return this.facetsMemo;
  }
}

/** The passages a commit's tombstones leave alive in a segment. */
function liveMask({ segment, deleted }: SegmentView): ScopeMask {
  if (deleted === null) return segmentScope(null, segment.passageCount);
  const keep = new Uint8Array(segment.passageCount).fill(1);
  let kept = segment.passageCount;
  deleted.forEach((dead, n) => {
    if (dead === 0) return;
    const { from, to } = segment.passagesOf(n);
    keep.fill(0, from, to);
    kept -= to - from;
  });
  return segmentScope(keep, kept);
}

/** Live passages of the articles the scope keeps. */
function scopeMask({ segment, deleted }: SegmentView, live: ScopeMask, scope: SearchScope): ScopeMask {
  // Resolved to this segment's codes and article numbers once: testing an article reads columns.
  const accepts = compileTableFilter(scope.filter, segment.articles);
  const excluded = scope.excludeDocumentIds?.size ? articleNumbers(segment.articles, scope.excludeDocumentIds) : null;
  const keep = new Uint8Array(segment.passageCount);
  let kept = 0;
  const consider = (n: number) => {
    if (deleted !== null && deleted[n] === 1) return;
    if (excluded?.has(n) || !accepts(n)) return;
    const { from, to } = segment.passagesOf(n);
    keep.fill(1, from, to);
    kept += to - from;
  };
  const ids = scope.filter?.documentIds;
  if (ids?.length) {
    // Named documents: look them up rather than test every article.
    for (const id of new Set(ids)) {
      const n = segment.articleNumber(id);
      if (n >= 0) consider(n);
    }
  } else {
    for (let n = 0; n < segment.articles.length; n++) consider(n);
  }
  return kept === segment.passageCount && live.keep === null ? live : segmentScope(keep, kept);
}

function computeFacets(views: readonly SegmentView[]): ArchiveFacets {
  const found: TableFacets = { outlets: new Map(), sections: new Map(), first: null, last: null };
  for (const { segment, deleted } of views) addFacets(segment.articles, deleted, found);
  const { outlets, sections, first, last } = found;
  const list = (m: Map<string, number>) =>
    [...m].map(([name, articles]) => ({ name, articles })).sort((a, b) => b.articles - a.articles || a.name.localeCompare(b.name));
  return { outlets: list(outlets), sections: list(sections), firstPublished: first, lastPublished: last };
}
