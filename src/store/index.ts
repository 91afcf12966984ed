import type { Config } from '../config/config.js';
import { makeEmbeddedStore } from './embedded/index.js';
import type { ArchiveStore, StoreSettings } from './types.js';

/** The archive store the configuration names (`STORE`), for archives built with `settings`. */
export function makeArchiveStore(config: Config, settings: StoreSettings): ArchiveStore {
  switch (config.store.kind) {
    case 'embedded':
      return makeEmbeddedStore(config, settings);
  }
}

export { makeMemorySnapshot } from './memory.js';
export { storeSettings, settingDifferences, modelIdentity, type SettingDifference } from './settings.js';
export { IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError } from './errors.js';
export type * from './types.js';
