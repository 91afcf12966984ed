import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { withHugePages } from '../app/hugePages.js';

export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from /ready. */
  coldStartMs: number;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the server is a separate process, so it can't take port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the product as `npm start` does (src/cli/serve.ts under tsx, huge pages asked for) in its own process,
 * so that load generator and server don't share an event loop, and waits for /ready.
 */
export async function startServerProcess(
  repoRoot: string,
  env: Record<string, string>,
  readyTimeoutMs = 600_000,
  args: readonly string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'src/cli/serve.ts'), ...args],
    {
      cwd: repoRoot,
      env: withHugePages({ ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`server exited (code ${code}) before ready:\n${stderr}`))),
  );
  const ready = (async () => {
    while (performance.now() - started < readyTimeoutMs) {
      try {
        const res = await fetch(`${url}/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`server not ready after ${readyTimeoutMs} ms:\n${stderr}`);
  })();
  await Promise.race([ready, exited]);
  const coldStartMs = performance.now() - started;
  return {
    url,
    pid: child.pid!,
    coldStartMs,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
