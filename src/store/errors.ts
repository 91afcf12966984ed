import type { SettingDifference } from './settings.js';

/** Errors of the stores: what the CLIs and the server turn into messages for the operator. */

export class IndexMissingError extends Error {
  override readonly name = 'IndexMissingError';
}

export class IndexCorruptError extends Error {
  override readonly name = 'IndexCorruptError';
  constructor(
    message: string,
    /** The generation folder found damaged, when it got that far. */
    readonly generationDir?: string,
  ) {
    super(message);
  }
}

/** The index was built with other settings than the configuration asks for. */
export class IndexMismatchError extends Error {
  override readonly name = 'IndexMismatchError';
  constructor(
    readonly indexDir: string,
    readonly differences: SettingDifference[],
  ) {
    const list = differences
      .map((d) => `${d.setting} is ${JSON.stringify(d.inConfig)} but the index was built with ${JSON.stringify(d.inIndex)}`)
      .join('; ');
    super(
      `The index in ${indexDir} does not match the configuration: ${list}. ` +
        'Run `npm run ingest -- --rebuild` to rebuild it with the current settings, or change the settings back.',
    );
  }
}

/** Another ingest holds the index folder. */
export class IndexBusyError extends Error {
  override readonly name = 'IndexBusyError';
}

