/**
 * `bsd-socket/async` and the module's `async` namespace: the module-level
 * Promise twins (DESIGN §3), the AbortError they reject with, and diagnostics
 * of the readiness machinery (docs/async.md).
 */
import type { Socket } from './socket.js';
import { type ReactorStats, reactorStats } from './async/reactor.js';

export { create_connection, type CreateConnectionOptions } from './async/module-async.js';
export { AbortError, type AsyncOptions } from './async/options.js';
export type { SocketAsync } from './async/socket-async.js';
// Name services on libuv's thread pool: same arguments and results as the sync forms.
export {
  getaddrinfoAsync as getaddrinfo, getnameinfoAsync as getnameinfo, gethostbynameAsync as gethostbyname,
  gethostbyname_exAsync as gethostbyname_ex, gethostbyaddrAsync as gethostbyaddr, getfqdnAsync as getfqdn,
  getservbynameAsync as getservbyname, getservbyportAsync as getservbyport,
  getprotobynameAsync as getprotobyname,
} from './resolver.js';

/** What `watcherState()` reports about one socket's uv_poll watcher. */
export interface WatcherState {
  /** A watcher exists (it is opened the first time a twin has to wait). */
  open: boolean;
  /** Directions armed in libuv. */
  readable: boolean;
  writable: boolean;
  /** libuv holds the watcher active (some direction armed). */
  active: boolean;
  /** The watcher itself keeps the loop alive (never: pending waiters do, through the reactor). */
  referenced: boolean;
  /** Twins queued on this socket, by direction. */
  waiters: { read: number; write: number };
}

/**
 * Diagnostics: the state of a socket's watcher, for tests of the readiness
 * contract (a withdrawn waiter leaves the direction disarmed).
 * @syscall none
 */
export function watcherState(sock: Socket): WatcherState {
  const w = sock.async.currentWatcher;
  if (w === null || w.isClosed) {
    return { open: false, readable: false, writable: false, active: false, referenced: false, waiters: { read: 0, write: 0 } };
  }
  const s = w.nativeState;
  const [read, write] = w.waiters;
  return {
    open: s >= 0,
    readable: (s & 1) !== 0,
    writable: (s & 2) !== 0,
    active: (s & 4) !== 0,
    referenced: (s & 8) !== 0,
    waiters: { read, write },
  };
}

export type { ReactorStats };

/**
 * Diagnostics: twins pending in this thread, watchers open, whether the
 * reactor holds the event loop alive (it does exactly while twins are
 * pending), and the readiness rounds run (docs/async.md).
 * @syscall none
 */
export function reactorState(): ReactorStats {
  return reactorStats();
}
