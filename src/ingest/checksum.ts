import { createHash } from 'node:crypto';

/** Hex sha256: content hashes of articles and checksums of the index files. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
