import type { SearchResult } from '../retrieval/types.js';

/** A source an answer cites: one retrieved passage, narrowed to the sentence(s) actually used. */
export interface Citation {
  /** The marker number, `[n]` in the answer text; numbered in order of first citation. */
  n: number;
  documentId: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  /** The cited text, exactly `article.text.slice(start, end)`. */
  snippet: string;
  start: number;
  end: number;
  chunkId: string;
}

export type AnswerMode = 'extractive' | 'llm' | 'fallback';

export interface Answer {
  answer: string;
  citations: Citation[];
  /** True when the answer rests on at least one cited source. */
  grounded: boolean;
  mode: AnswerMode;
  /** A short Vietnamese note for the reader (fallback used, citations repaired, …). */
  notice?: string;
}

/** The exact sentence every not-found answer uses (clients and evaluations match on it). */
export const NOT_FOUND_ANSWER = 'Tôi không tìm thấy thông tin này trong các bài báo hiện có.';

export const LLM_FALLBACK_NOTICE =
  'Không kết nối được mô hình ngôn ngữ; câu trả lời được trích trực tiếp từ nguồn.';

/** A model's timeline that dropped a date or a citation, or cited a source it was not given. */
export const TIMELINE_FALLBACK_NOTICE =
  'Mô hình ngôn ngữ không giữ đủ ngày và nguồn của các mốc; dòng thời gian được trích trực tiếp từ nguồn.';

/** The citation numbered `n` for the span [start, end) of a retrieved passage (offsets within it). */
export function citationOf(result: SearchResult, n: number, span: { start: number; end: number }): Citation {
  return {
    n,
    documentId: result.documentId,
    title: result.title,
    outlet: result.outlet,
    publishedAt: result.publishedAt,
    snippet: result.text.slice(span.start, span.end),
    start: result.start + span.start,
    end: result.start + span.end,
    chunkId: result.chunkId,
  };
}
