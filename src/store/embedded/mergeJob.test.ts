import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir } from '../../../tests/helpers/config.js';
import { TEST_SETTINGS, articleEntry, testWriterOptions } from '../../../tests/helpers/storeEntries.js';
import { readCommit, readPointer, type SegmentRef } from './commitLog.js';
import { MergeProcess, type MergeJob } from './mergeJob.js';
import { readSegmentArticles, readSegmentManifest } from './segmentFiles.js';
import { EmbeddedWriter } from './writer.js';

const dirs: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close().catch(() => undefined)));
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** An archive of three segments of two articles each (n0…n5), no merge made. */
async function threeSegments(): Promise<{ indexDir: string; segments: SegmentRef[] }> {
  const root = await makeTempDir('vnrag-mergeproc-');
  dirs.push(root);
  const indexDir = path.join(root, 'index');
  const w = await EmbeddedWriter.open(testWriterOptions(indexDir));
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 2; i++) await w.upsert(articleEntry(`n${c * 2 + i}`, [`Tin ${c * 2 + i} về Hà Nội.`, 'Câu hai.'], {}, 8));
    await w.commit();
  }
  await w.close();
  const pointer = await readPointer(indexDir);
  if (pointer.kind !== 'commit') throw new Error('no commit');
  return { indexDir, segments: (await readCommit(indexDir, pointer.file)).segments };
}

/** A job merging the three segments into `output`, n0 (first article of the first) a tombstone. */
function mergeJob(indexDir: string, segments: SegmentRef[], output: string, hooks: Partial<MergeJob> = {}): MergeJob {
  return {
    indexDir,
    output,
    dimensions: TEST_SETTINGS.dimensions,
    graph: { m: 16, efConstruction: 100, efSearch: 64 },
    segments: segments.map((s, i) => ({ name: s.name, passages: s.passages, deleted: i === 0 ? Uint8Array.of(1, 0) : null })),
    ...hooks,
  };
}

/** True while the process runs (a zombie, exited but not yet reaped, is not running). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Merge processes that are children of this process and still running. */
function mergeChildren(): number[] {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((l) => l.includes('mergeProcess'))
    .map((l) => Number.parseInt(l.trim(), 10))
    .filter(running);
}

describe('merge process', () => {
  it('a merge process killed midway rejects its job; the next job starts another and writes the segment without its tombstones', async () => {
    const { indexDir, segments } = await threeSegments();
    const merges = new MergeProcess();
    open.push(merges);
    const held = merges.run(mergeJob(indexDir, segments, 'seg-held', { holdAfterArticles: 2 }));
    const pid = merges.pid!;
    expect(running(pid)).toBe(true);
    await waitFor('the merge to start writing', () => existsSync(path.join(indexDir, 'seg-held')));
    process.kill(pid, 'SIGKILL');
    await expect(held).rejects.toThrow('the merge process stopped (signal SIGKILL)');
    expect(running(pid)).toBe(false);
    expect(merges.pid).toBeUndefined();
    await fs.rm(path.join(indexDir, 'seg-held'), { recursive: true }); // the caller's part

    await merges.run(mergeJob(indexDir, segments, 'seg-next'));
    const dir = path.join(indexDir, 'seg-next');
    expect(await readSegmentManifest(dir)).toMatchObject({ articles: 5, passages: 10 });
    const table = await readSegmentArticles(dir);
    expect(Array.from({ length: table.length }, (_, n) => table.id(n)).sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    await merges.close();
    expect(mergeChildren()).toEqual([]); // the job's process exited once answered
  });

  it('a failing job rejects with its error; a second job while one runs is refused', async () => {
    const { indexDir, segments } = await threeSegments();
    const merges = new MergeProcess();
    open.push(merges);
    const failing = merges.run(mergeJob(indexDir, segments, 'seg-failing', { failAfterArticles: 1 }));
    await expect(merges.run(mergeJob(indexDir, segments, 'seg-other'))).rejects.toThrow('a merge is already running');
    await expect(failing).rejects.toThrow('merge stopped by a test after 1 articles');
  });

  it('close ends the process of a running job, which rejects', async () => {
    const { indexDir, segments } = await threeSegments();
    const merges = new MergeProcess();
    open.push(merges);
    const held = merges.run(mergeJob(indexDir, segments, 'seg-held', { holdAfterArticles: 1 })).catch((e: unknown) => e);
    const pid = merges.pid!;
    await waitFor('the merge to start writing', () => existsSync(path.join(indexDir, 'seg-held')));
    await merges.close();
    expect(running(pid)).toBe(false);
    expect(await held).toEqual(new Error('the merge process was closed'));
  });

  it('a merge process exits when the process that started it is killed', async () => {
    const { indexDir, segments } = await threeSegments();
    const script = path.join(path.dirname(indexDir), 'parent.mts');
    const job = mergeJob(indexDir, segments, 'seg-orphan', { holdAfterArticles: 1 });
    await fs.writeFile(
      script,
      `import { MergeProcess } from ${JSON.stringify(path.join(REPO_ROOT, 'src/store/embedded/mergeJob.ts'))};
const job = ${JSON.stringify({ ...job, segments: job.segments.map((s) => ({ ...s, deleted: null })) })};
const merges = new MergeProcess();
void merges.run(job);
process.stdout.write('CHILD ' + merges.pid + '\\n');
setInterval(() => undefined, 1000); // alive until killed
`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    let out = '';
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = /CHILD (\d+)/.exec(out);
        if (found) resolve(Number(found[1]));
      });
      parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before starting its merge: ${out}`)));
    });
    await waitFor('the merge to start writing', () => existsSync(path.join(indexDir, 'seg-orphan')));
    expect(running(pid)).toBe(true); // held midway, it would run forever
    parent.kill('SIGKILL');
    await exited;
    await waitFor('the orphaned merge process to exit', () => !running(pid), 10_000);
  });

  it('a writer runs its merges in a child process, ended when the writer closes', async () => {
    const root = await makeTempDir('vnrag-mergeproc-');
    dirs.push(root);
    const indexDir = path.join(root, 'index');
    const w = await EmbeddedWriter.open(
      testWriterOptions(indexDir, { mergePolicy: { mergeFactor: 3, floorPassages: 2000, maxPassages: 500_000, maxDeletedShare: 0.3 } }),
    );
    open.push(w);
    expect(mergeChildren()).toEqual([]);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 2; i++) await w.upsert(articleEntry(`n${c * 2 + i}`, [`Tin ${c * 2 + i} về Hà Nội.`, 'Câu hai.'], {}, 8));
      await w.commit();
    }
    // The third commit filled the bottom tier: its merge runs in a process of its own.
    let children: number[] = [];
    await waitFor('the merge process', () => (children = mergeChildren()).length === 1);
    await w.close();
    expect(running(children[0]!)).toBe(false);
    expect(mergeChildren()).toEqual([]);
    const pointer = await readPointer(indexDir);
    if (pointer.kind !== 'commit') throw new Error('no commit');
    expect((await readCommit(indexDir, pointer.file)).segments).toHaveLength(1);
  });
});
