import { INT8_SCAN_WASM } from './int8Scan.wasm.js';

/** The compiled kernel (int8Scan.wat), shared by every segment's instance. */
const KERNEL = new WebAssembly.Module(Buffer.from(INT8_SCAN_WASM, 'base64'));
const PAGE = 65_536;
/** Dimensions the kernel reads per step. */
const STEP = 16;

interface Kernel {
  scan(query: number, codes: number, d: number, list: number, count: number, out: number): void;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * A segment's int8 codes in WebAssembly memory, with room for one query, a list of passages and
 * their products: `dots` computes the integer dot products of an int16 query with the listed
 * passages' codes, 16 dimensions per SIMD step (several times the plain loop).
 */
export class Int8Scanner {
  /** The codes, as stored (a view of the kernel's memory). */
  readonly codes: Int8Array;
  /** Where the caller writes the passage numbers to scan (as many as there are passages). */
  readonly list: Uint32Array;
  private readonly query: Int16Array;
  private readonly out: Int32Array;
  private readonly kernel: Kernel;
  private readonly at: { query: number; list: number; out: number };

  private constructor(
    codes: Int8Array,
    private readonly dimensions: number,
  ) {
    const n = codes.length / dimensions;
    const query = align16(codes.length);
    const list = align16(query + dimensions * 2);
    const out = align16(list + n * 4);
    const bytes = out + n * 4;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    const instance = new WebAssembly.Instance(KERNEL, { env: { memory } });
    this.kernel = instance.exports as unknown as Kernel;
    const buffer = memory.buffer;
    this.codes = new Int8Array(buffer, 0, codes.length);
    this.codes.set(codes);
    this.query = new Int16Array(buffer, query, dimensions);
    this.list = new Uint32Array(buffer, list, n);
    this.out = new Int32Array(buffer, out, n);
    this.at = { query, list, out };
  }

  /** A scanner holding a copy of `codes`; null when the kernel cannot read them (dimensions not a multiple of 16). */
  static holding(codes: Int8Array, dimensions: number): Int8Scanner | null {
    if (dimensions <= 0 || dimensions % STEP !== 0 || codes.length % dimensions !== 0) return null;
    return new Int8Scanner(codes, dimensions);
  }

  /** The largest query component that keeps every sum within int32 (|sum| ≤ d · 127 · max). */
  get maxQueryComponent(): number {
    return Math.min(32_767, Math.floor(0x7fffffff / (127 * this.dimensions)));
  }

  /**
   * The dot products of `query` with the codes of the first `count` passages of `list`, in that
   * order (a view valid until the next call: read it before anything else scans).
   */
  dots(query: Int16Array, count: number): Int32Array {
    this.query.set(query);
    this.kernel.scan(this.at.query, 0, this.dimensions, this.at.list, count, this.at.out);
    return this.out.subarray(0, count);
  }
}
