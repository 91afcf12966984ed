import type { Config } from '../config/config.js';
import { makeEmbeddedStore, recordedEmbeddedSettings } from './embedded/index.js';
import type { ArchiveStore, StoreSettings } from './types.js';

/** The archive store the configuration names (`STORE`), for archives built with `settings`. */
export function makeArchiveStore(config: Config, settings: StoreSettings): ArchiveStore {
  switch (config.store.kind) {
    case 'embedded':
      return makeEmbeddedStore(config, settings);
  }
}

/**
 * The settings the configured archive was built with, as its newest commit records them, without
 * loading it; undefined when it has no commit yet. Lets a reader open before the model is loaded.
 */
export function recordedStoreSettings(config: Config): Promise<StoreSettings | undefined> {
  switch (config.store.kind) {
    case 'embedded':
      return recordedEmbeddedSettings(config.paths.indexDir);
  }
}

export { makeMemorySnapshot } from './memory.js';
export { storeSettings, settingDifferences, modelIdentity, type SettingDifference } from './settings.js';
export { IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError } from './errors.js';
export type * from './types.js';
