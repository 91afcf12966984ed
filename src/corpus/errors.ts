/**
 * The corpus folder cannot be read as a corpus. In a module of its own so the CLIs' error
 * handling (src/cli/run.ts) can name it without loading the corpus readers (the YAML parser).
 */
export class CorpusFolderError extends Error {
  override readonly name = 'CorpusFolderError';
}
