import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/config.js';
import { makeApp, makeLogger, type AppDeps, type AppHandle } from './app.js';

export interface RunningServer {
  url: string;
  port: number;
  /** Settles when the search engine is loaded (rejects when it cannot be). */
  ready: Promise<void>;
  /**
   * Graceful shutdown: stop accepting connections, let requests and streams in flight finish
   * (up to SHUTDOWN_GRACE_MS), then cut what is left and release the engine.
   */
  close(): Promise<void>;
}

/** Counts requests in flight, so shutdown knows when the last one is done. */
function trackInFlight(server: http.Server) {
  let active = 0;
  let draining = false;
  const waiters: Array<() => void> = [];
  const settle = () => {
    if (active === 0) waiters.splice(0).forEach((w) => w());
  };
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    active++;
    // A keep-alive client must not hold the server open after its last answer.
    if (draining) res.setHeader('Connection', 'close');
    res.on('close', () => {
      active--;
      if (draining) server.closeIdleConnections();
      settle();
    });
  });
  return {
    startDraining() {
      draining = true;
    },
    idle(): Promise<void> {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export async function startServer(config: Config, deps: AppDeps = {}): Promise<RunningServer> {
  const logger = deps.logger ?? makeLogger(config);
  const handle: AppHandle = await makeApp(config, { ...deps, logger });
  const server = http.createServer(handle.app);
  // Streams can take as long as a slow model; the heartbeat keeps proxies from timing them out.
  server.requestTimeout = 0;
  // Idle keep-alive connections outlive the clients' and proxies' own idle timeouts, so the client
  // side closes first and never sends a request on a socket the server is closing. The headers of
  // a request on a kept connection must be allowed at least as long.
  server.keepAliveTimeout = config.server.keepAliveTimeoutMs;
  server.headersTimeout = config.server.keepAliveTimeoutMs + 1000;
  const inFlight = trackInFlight(server);
  const address = await listen(server, config.server.port, config.server.host);
  const url = urlFor(config.server.host, address.port);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info({ graceMs: config.server.shutdownGraceMs }, 'shutting down');
      inFlight.startDraining();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.server.shutdownGraceMs);
      });
      const outcome = await Promise.race([inFlight.idle().then(() => 'idle' as const), grace]);
      clearTimeout(timer);
      if (outcome === 'timeout') logger.warn('grace period over; closing the connections still open');
      server.closeAllConnections();
      await closed;
      await handle.close();
      logger.info('stopped');
    })();
    return closing;
  };

  return { url, port: address.port, ready: handle.ready, close };
}
