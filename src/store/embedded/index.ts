import type { Config } from '../../config/config.js';
import type { ArchiveStore, StoreSettings } from '../types.js';
import { readCommit, readPointer } from './commitLog.js';
import { EmbeddedReader } from './reader.js';
import { EmbeddedWriter } from './writer.js';

/** A share of deleted passages past which a segment is rewritten (alone) when no tier needs a merge. */
const MAX_DELETED_SHARE = 0.3;

/**
 * The embedded store: segment files in `INDEX_DIR`, read into this process (hnswlib-node graphs,
 * our inverted index), one writer at a time, any number of following readers (several server
 * processes may share the folder).
 */
export function makeEmbeddedStore(config: Config, settings: StoreSettings): ArchiveStore {
  const indexDir = config.paths.indexDir;
  return {
    openReader: (opts = {}) =>
      EmbeddedReader.open({
        indexDir,
        settings,
        efSearch: config.hnsw.efSearch,
        follow: opts.follow ?? false,
        pollMs: config.store.pollMs,
        graceMs: config.store.graceMs,
        postingsBudget: config.store.postingsBudget,
      }),
    openWriter: (opts = {}) =>
      EmbeddedWriter.open({
        indexDir,
        settings,
        graph: config.hnsw,
        rebuild: opts.rebuild ?? false,
        mergePolicy: { ...config.store.merge, maxDeletedShare: MAX_DELETED_SHARE },
        graceMs: config.store.graceMs,
      }),
  };
}

/**
 * The settings the archive's current commit was built with, read from its commit file alone (no
 * segment is read); undefined when the folder holds no commit (none yet, or the previous format).
 */
export async function recordedEmbeddedSettings(indexDir: string): Promise<StoreSettings | undefined> {
  const pointer = await readPointer(indexDir);
  return pointer.kind === 'commit' ? (await readCommit(indexDir, pointer.file)).settings : undefined;
}

export { EmbeddedReader } from './reader.js';
export { EmbeddedWriter, MergeFailedError, type CommitStep, type WriterOptions } from './writer.js';
