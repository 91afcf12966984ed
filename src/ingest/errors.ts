/**
 * Errors of the ingest, in a module of their own so the CLIs' error handling (src/cli/run.ts) can
 * name them without loading the ingest, the corpus readers or transformers.js (which the server
 * loads while its archive is read).
 */

/** The embedding model could not be found or loaded; the message says what to set. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

/** The corpus folder yielded no article at all: nothing is written, the old archive stays. */
export class EmptyCorpusError extends Error {
  override readonly name = 'EmptyCorpusError';
}
