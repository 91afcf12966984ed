/**
 * Transparent huge pages for a server's memory. A start reads the archive's files into fresh
 * memory (163 MB at 10k articles, about 12 GB at 1M), and on a virtual machine the first touch of
 * each 4 KB page is a page fault that costs more than the copy: 144 MB filled in about 460 ms in
 * 4 KB pages, in 15–50 ms in 2 MB pages (docs/BENCHMARKS.md). glibc asks the kernel for huge pages
 * for its large allocations when the tunable below is set, and reads tunables only when a process
 * starts: `npm start` sets it (package.json), and the benchmarks start their servers the same way.
 * The kernel must allow it (`/sys/kernel/mm/transparent_hugepage/enabled` "madvise" or "always");
 * elsewhere the tunable does nothing.
 */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * The environment a server is started with: GLIBC_TUNABLES set to the huge-pages tunable unless
 * it is already set (to anything, even empty: the operator's choice), as `npm start` does. Other
 * systems than Linux have no glibc tunables and get the environment unchanged.
 */
export function withHugePages(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  if (platform !== 'linux' || env.GLIBC_TUNABLES !== undefined) return env;
  return { ...env, GLIBC_TUNABLES: HUGE_PAGES_TUNABLE };
}
