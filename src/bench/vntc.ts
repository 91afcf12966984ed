import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';

/**
 * Writes the first `count` articles of the shared VNTC sample (xz-compressed JSON lines) into
 * `outDir/vntc-<count>.jsonl`, a corpus file the loader reads as it is. The texts belong to their
 * publishers: they are for benchmarks only and never land in the repo.
 */
export async function writeVntcSlice(sourceXz: string, count: number, outDir: string): Promise<string> {
  await fsp.access(sourceXz).catch(() => {
    throw new Error(`Benchmark corpus not found: ${sourceXz}. Set BENCH_CORPUS to vntc-sample-10k.jsonl.xz.`);
  });
  await fsp.mkdir(outDir, { recursive: true });
  const target = path.join(outDir, `vntc-${count}.jsonl`);
  const xz = spawn('xz', ['-dc', sourceXz], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = fs.createWriteStream(target);
  const lines = readline.createInterface({ input: xz.stdout });
  let written = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    out.write(line + '\n');
    if (++written >= count) break;
  }
  lines.close();
  xz.kill();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  if (written < count) throw new Error(`${sourceXz} holds only ${written} articles, ${count} asked for.`);
  return target;
}
