import { createHash } from 'node:crypto';

/**
 * A set of article ids kept as 52-bit digests (8 bytes an id) instead of the ids themselves: an
 * ingest remembers which ids its corpus holds to find the archive's articles the corpus lost,
 * and a million ids as strings would cost about a hundred megabytes. Two ids share a digest
 * with a chance of about 2^-52 per pair; such a removed article would stay until the next run.
 */
export class IdDigests {
  private digests = new Float64Array(1024);
  private size = 0;
  private sorted = true;

  add(id: string): void {
    if (this.size === this.digests.length) {
      const grown = new Float64Array(this.digests.length * 2);
      grown.set(this.digests);
      this.digests = grown;
    }
    this.digests[this.size++] = digestOf(id);
    this.sorted = false;
  }

  has(id: string): boolean {
    if (!this.sorted) {
      this.digests = this.digests.slice(0, this.size).sort();
      this.sorted = true;
    }
    const d = digestOf(id);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.digests[mid]! < d) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.size && this.digests[lo] === d;
  }
}

/** The first 52 bits of the id's SHA-256, as an exact double. */
function digestOf(id: string): number {
  const h = createHash('sha256').update(id).digest();
  return (h.readUInt32BE(0) & 0xfffff) * 2 ** 32 + h.readUInt32BE(4);
}
