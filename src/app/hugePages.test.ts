import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE, withHugePages } from './hugePages.js';

describe('withHugePages', () => {
  it('asks glibc for huge pages on Linux when the environment does not say', () => {
    const env = withHugePages({ PORT: '3000' }, 'linux');
    expect(env).toEqual({ PORT: '3000', GLIBC_TUNABLES: HUGE_PAGES_TUNABLE });
  });

  it("keeps the operator's GLIBC_TUNABLES, even an empty one (huge pages off)", () => {
    expect(withHugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux').GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2');
    expect(withHugePages({ GLIBC_TUNABLES: '' }, 'linux').GLIBC_TUNABLES).toBe('');
  });

  it('leaves other systems alone', () => {
    expect(withHugePages({ PORT: '3000' }, 'darwin')).toEqual({ PORT: '3000' });
  });

  it('is what `npm start` does: package.json sets the same tunable, only when GLIBC_TUNABLES is unset', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`GLIBC_TUNABLES=\${GLIBC_TUNABLES-${HUGE_PAGES_TUNABLE}} exec node scripts/start.js`);
  });
});
