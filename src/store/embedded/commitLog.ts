import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sha256Hex } from '../../ingest/checksum.js';
import { IndexCorruptError, IndexMismatchError } from '../errors.js';
import { settingDifferences, storeSettingsSchema } from '../settings.js';
import type { CommitInfo, StoreSettings } from '../types.js';
import { replaceFileAtomically, writeFileDurably } from './files.js';

/**
 * The commit log of an embedded archive folder:
 *
 *   CURRENT                  the name of the live commit file (replaced atomically: write, fsync, rename, fsync folder)
 *   commit-00000042.json     one commit: settings, counts, and the live segments with their tombstone files
 *   seg-…/                   immutable segment folders (see segmentFiles.ts)
 *   del-<segment>-<seq>.bin  tombstones of a segment as of commit <seq>: one byte per article, 1 = deleted
 *
 * A commit is visible once CURRENT names it, and everything it names was fsynced before; a crash
 * at any point leaves the previous commit as it was.
 */

export const ARCHIVE_FORMAT_VERSION = 2;
export const CURRENT_FILE = 'CURRENT';
const COMMIT_NAME = /^commit-(\d{8,})\.json$/;
/** What today's previous format (one folder per generation) left in CURRENT. */
const LEGACY_GENERATION = /^gen-[A-Za-z0-9-]+$/;

const segmentRefSchema = z.object({
  name: z.string().regex(/^seg-[A-Za-z0-9-]+$/),
  articles: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  deletes: z
    .object({ file: z.string().regex(/^del-[A-Za-z0-9-]+\.bin$/), articles: z.number().int().positive(), sha256: z.string() })
    .nullable(),
});

export const commitManifestSchema = z.object({
  formatVersion: z.literal(ARCHIVE_FORMAT_VERSION),
  settings: storeSettingsSchema,
  sequence: z.number().int().nonnegative(),
  id: z.string(),
  committedAt: z.string(),
  articles: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  segments: z.array(segmentRefSchema),
});

export type CommitManifest = z.infer<typeof commitManifestSchema>;
export type SegmentRef = z.infer<typeof segmentRefSchema>;

export function commitFileName(sequence: number): string {
  return `commit-${String(sequence).padStart(8, '0')}.json`;
}

export function commitInfo(m: CommitManifest): CommitInfo {
  return { id: m.id, sequence: m.sequence, committedAt: m.committedAt, articles: m.articles, passages: m.passages };
}

/** What CURRENT points at. */
export type Pointer = { kind: 'none' } | { kind: 'commit'; file: string } | { kind: 'legacy'; generation: string };

export async function readPointer(indexDir: string): Promise<Pointer> {
  let name: string;
  try {
    name = (await fs.readFile(path.join(indexDir, CURRENT_FILE), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw corrupt(indexDir, `${CURRENT_FILE} is unreadable (${(err as Error).message})`);
  }
  if (COMMIT_NAME.test(name)) return { kind: 'commit', file: name };
  if (LEGACY_GENERATION.test(name)) return { kind: 'legacy', generation: name };
  throw corrupt(indexDir, `${CURRENT_FILE} names neither a commit nor a generation`);
}

export async function readCommit(indexDir: string, file: string): Promise<CommitManifest> {
  const full = path.join(indexDir, file);
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(full, 'utf8'));
  } catch (err) {
    throw corrupt(indexDir, `${full} is unreadable (${(err as Error).message})`);
  }
  const parsed = commitManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(indexDir, `${full} is invalid (${issue?.path.join('.')}: ${issue?.message})`);
  }
  return parsed.data;
}

/** Refuses an archive built with other settings, naming each difference. */
export function checkSettings(indexDir: string, stored: StoreSettings, expected: StoreSettings): void {
  const differences = settingDifferences(stored, expected);
  if (differences.length > 0) throw new IndexMismatchError(indexDir, differences);
}

/** Writes the commit file, then makes it current. */
export async function publishCommit(indexDir: string, manifest: CommitManifest, beforeSwap?: () => void): Promise<void> {
  const file = commitFileName(manifest.sequence);
  await writeFileDurably(path.join(indexDir, file), [JSON.stringify(manifest, null, 1)]);
  beforeSwap?.();
  await replaceFileAtomically(path.join(indexDir, CURRENT_FILE), `${file}\n`);
}

/** Writes a segment's tombstones as of commit `sequence`; returns their reference. */
export async function writeDeletes(
  indexDir: string,
  segment: string,
  sequence: number,
  deleted: Uint8Array,
): Promise<NonNullable<SegmentRef['deletes']>> {
  const file = `del-${segment}-${sequence}.bin`;
  await writeFileDurably(path.join(indexDir, file), [deleted]);
  let articles = 0;
  for (const d of deleted) articles += d;
  return { file, articles, sha256: sha256Hex(deleted) };
}

export async function readDeletes(indexDir: string, ref: NonNullable<SegmentRef['deletes']>, articles: number): Promise<Uint8Array> {
  const full = path.join(indexDir, ref.file);
  const bytes = await fs.readFile(full).catch((err: Error) => {
    throw corrupt(indexDir, `${full} is unreadable (${err.message})`);
  });
  if (bytes.length !== articles || sha256Hex(bytes) !== ref.sha256) throw corrupt(indexDir, `${full} does not match its checksum`);
  return new Uint8Array(bytes);
}

/** Every commit file in the folder, oldest first. */
export async function listCommits(indexDir: string): Promise<Array<{ file: string; sequence: number }>> {
  const out: Array<{ file: string; sequence: number }> = [];
  for (const entry of await fs.readdir(indexDir)) {
    const m = COMMIT_NAME.exec(entry);
    if (m) out.push({ file: entry, sequence: Number(m[1]) });
  }
  return out.sort((a, b) => a.sequence - b.sequence);
}

export function corrupt(indexDir: string, reason: string): IndexCorruptError {
  return new IndexCorruptError(`The index in ${indexDir} is damaged or incomplete: ${reason}. Run \`npm run ingest -- --rebuild\`.`);
}
