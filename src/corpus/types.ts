/** One news article after cleaning and normalisation: the unit that citations point into. */
export interface Article {
  /** Stable id, derived from the file name (and part number for multi-article scrapes). */
  id: string;
  title: string;
  /** Publishing outlet ("TTXVN/Vietnam+", "VOV", …) when the text or metadata names one. */
  outlet: string | null;
  /** ISO 8601 date (`YYYY-MM-DD`, or with time) when known. */
  publishedAt: string | null;
  /** The cleaned, normalised body. Chunk and citation offsets are character offsets into it. */
  text: string;
  /** Path of the file it was read from, relative to the corpus folder. */
  sourceFile: string;
  /** The raw scrape it was curated from, when different from `sourceFile`. */
  originalFile: string | null;
  url: string | null;
  /** Section or topic ("Thế giới", "Kinh tế") when the source names one; searchable by filter. */
  section?: string | null;
}

/** A file that could not be read as an article; reported by name, never fatal for the rest. */
export interface CorpusProblem {
  file: string;
  message: string;
}

export interface LoadedCorpus {
  articles: Article[];
  problems: CorpusProblem[];
}
