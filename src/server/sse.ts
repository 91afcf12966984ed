import type { Request, Response } from 'express';

/**
 * A Server-Sent Events response: one `event:`/`data:` block per event, written straight to the
 * socket (nothing buffers it), a comment line every `heartbeatMs` so proxies keep the connection
 * open, and an abort signal that fires when the client goes away.
 */
export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
  /** Aborted when the client disconnects before `end()`. */
  signal: AbortSignal;
  readonly closed: boolean;
}

export const HEARTBEAT_MS = 15_000;

export function openEventStream(req: Request, res: Response, heartbeatMs = HEARTBEAT_MS): EventStream {
  const controller = new AbortController();
  let closed = false;
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and similar proxies would otherwise hold the events back.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);

  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
  };
  res.on('close', () => {
    const early = !closed;
    finish();
    if (early) controller.abort(new Error('client disconnected'));
  });

  return {
    send(event, data) {
      if (closed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (closed) return;
      finish();
      res.end();
    },
    signal: controller.signal,
    get closed() {
      return closed;
    },
  };
}
