import { ConfigError } from '../config/config.js';
import { CorpusFolderError } from '../corpus/errors.js';
import { IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError } from '../store/index.js';
import { EmptyCorpusError, ModelLoadError } from '../ingest/errors.js';

/** Errors the operator can fix from the message alone: one line, no stack trace. */
const OPERATOR_ERRORS = [
  ConfigError,
  ModelLoadError,
  IndexMissingError,
  IndexCorruptError,
  IndexMismatchError,
  IndexBusyError,
  EmptyCorpusError,
  CorpusFolderError,
];

/** A command line the command cannot use; exits 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const isParseArgsError = (err: unknown): err is Error =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS');

/**
 * Runs a command's `main` and turns what it throws into an exit code and a message: a usage error
 * exits 2 with the usage text, an error the operator can fix exits 1 with one line, anything else
 * exits 1 with its stack.
 */
export async function runCli(what: string, usage: string, main: (argv: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      process.stderr.write(`Error: ${err.message}\n${usage}\n`);
      process.exitCode = 2;
    } else if (OPERATOR_ERRORS.some((E) => err instanceof E)) {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
      process.exitCode = 1;
    } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`Error: ${(err as Error).message}; set PORT to a free port.\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${what} failed unexpectedly:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
