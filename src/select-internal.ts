/**
 * What bsd-socket/select and bsd-socket/selectors share and do not export:
 * the addon's multiplexing calls (native/select.c), Python's conversions of
 * a file object to a descriptor and of timeouts (CPython's _PyTime rounding),
 * the EINTR loop against a deadline (PEP 475), and the one readiness wait of
 * every Promise twin here.
 */
import { native as base } from './native.js';
import { OSError, errnoError } from './errors.js';
import { typeName } from './validate.js';
import { EINTR, EBADF, now } from './deadline.js';
import { descriptorWillClose } from './internal.js';
import { READABLE, type Waiter, type Watcher, openWatcher } from './async/reactor.js';
import { abortError } from './async/options.js';

/** native/select.c, as TypeScript sees it. */
export interface SelectNative {
  select_wait(r: Int32Array, w: Int32Array, x: Int32Array, sec: number, usec: number): number;
  poll_wait(pollfds: Int32Array, n: number, ms: number): number;
  epoll_open?(flags: number): number;
  epoll_control?(epfd: number, op: number, fd: number, events: number): number;
  epoll_wait_into?(epfd: number, out: Uint32Array, maxevents: number, ms: number): number;
  kqueue_open?(): number;
  kevent_call?(kq: number, changes: Float64Array, nchanges: number, out: Float64Array, nevents: number,
    sec: number, nsec: number): number;
  select_limits: {
    FD_SETSIZE: number; POLLFD_SIZE: number; POLLFD_EVENTS: number; POLLFD_REVENTS: number;
    EPOLL_CTL_ADD?: number; EPOLL_CTL_MOD?: number; EPOLL_CTL_DEL?: number;
  };
  select_constants: Record<string, number>;
  close(fd: number): number;
}

export const sn = base as unknown as SelectNative;
export const limits = sn.select_limits;
export const K = sn.select_constants;

/** A descriptor number or any object with a `fileno()` method (a socket, a file). */
export type FileDescriptorLike = number | { fileno(): number };

const INT_MAX = 0x7fffffff;

/**
 * Python's PyObject_AsFileDescriptor: an integer, or the integer `fileno()`
 * returns (whatever `fileno()` throws propagates).
 * @throws {TypeError} neither · {RangeError} negative, or beyond a C int
 */
export function toFd(obj: unknown): number {
  let v: unknown = obj;
  if (typeof obj === 'object' && obj !== null || typeof obj === 'function') {
    const f = (obj as { fileno?: unknown }).fileno;
    if (typeof f !== 'function') throw new TypeError('argument must be an int, or have a fileno() method.');
    v = f.call(obj);
    if (!isInteger(v)) throw new TypeError('fileno() returned a non-integer');
  } else if (!isInteger(v)) {
    throw new TypeError('argument must be an int, or have a fileno() method.');
  }
  const fd = Number(v);
  if (fd > INT_MAX) throw new RangeError('Python int too large to convert to C int');
  if (fd < 0) throw new RangeError(`file descriptor cannot be a negative integer (${fd})`);
  return fd;
}

function isInteger(v: unknown): v is number | bigint | boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' || typeof v === 'boolean';
}

/** The elements of an iterable (Python's PySequence_Fast), or TypeError `message`. */
export function toList(v: unknown, message: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== null && v !== undefined && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function' &&
    typeof v !== 'string') {
    return [...(v as Iterable<unknown>)];
  }
  if (typeof v === 'string') return [...v];
  throw new TypeError(message);
}

// CPython's _PyTime_t: int64 nanoseconds.
const NS_MAX = 9223372036854775807;

/**
 * A number of `unit` (1e9 for seconds, 1e6 for milliseconds) as whole
 * nanoseconds, rounded away from zero (_PyTime_ROUND_TIMEOUT); null stays
 * null (no limit).
 * @throws {TypeError} not a number · {RangeError} NaN, or beyond int64 nanoseconds
 */
export function toNanoseconds(v: unknown, unit: number, typeMessage: string): number | null {
  if (v === null || v === undefined) return null;
  let t: number;
  if (typeof v === 'number') t = v;
  else if (typeof v === 'boolean') t = v ? 1 : 0;
  else if (typeof v === 'bigint') t = Number(v);
  else throw new TypeError(typeMessage);
  if (Number.isNaN(t)) throw new RangeError('Invalid value NaN (not a number)');
  const ns = t * unit;
  if (!(Math.abs(ns) < NS_MAX)) throw new RangeError('timestamp out of range for platform time_t');
  return ns >= 0 ? Math.ceil(ns) : -Math.ceil(-ns);
}

/** Whole milliseconds of `ns`, rounded up (toward +infinity, _PyTime_ROUND_CEILING). */
export const msCeil = (ns: number): number => Math.ceil(ns / 1e6);

/** A millisecond timeout checked against a C int ("timeout is too large"). */
export function checkMs(ms: number): number {
  if (ms > INT_MAX || ms < -INT_MAX - 1) throw new RangeError('timeout is too large');
  return ms;
}

/** The deadline (monotonic ms) `ns` from now; Infinity for none (null or negative). */
export function deadlineAfter(ns: number | null): number {
  return ns === null || ns < 0 ? Infinity : now() + ns / 1e6;
}

/** Nanoseconds left before `deadline` (never negative); null for none. */
export function nsLeft(deadline: number): number | null {
  if (deadline === Infinity) return null;
  return Math.max(0, Math.ceil((deadline - now()) * 1e6));
}

/**
 * Runs `call` until it returns anything but -EINTR, giving it the time left
 * each round (PEP 475). When the deadline has passed by the time an EINTR
 * comes back, returns 0 (nothing ready), as CPython does.
 */
export function retryEintr(ns: number | null, deadline: number, call: (leftNs: number | null) => number): number {
  // The first call gets the timeout as given; only a retry recomputes it.
  for (let first = true; ; first = false) {
    const r = call(first ? ns : nsLeft(deadline));
    if (r !== -EINTR) return r;
    if (deadline !== Infinity && now() >= deadline) return 0;
  }
}

/** Python's KeyError: a key (a file object or descriptor) that the mapping lacks or already holds. */
export class KeyError extends RangeError {
  /** The key Python's KeyError carries. */
  readonly key: unknown;
  constructor(key: unknown, message?: string) {
    super(message ?? String(key));
    this.key = key;
  }
  override get name(): string {
    return 'KeyError';
  }
}

/** Python's repr of a file object, for messages ("3", "<socket fd=3 ...>"). */
export function reprOf(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (v !== null && typeof v === 'object') {
    const s = String(v);
    return s === '[object Object]' ? `<${typeName(v)} object>` : s;
  }
  return String(v);
}

/**
 * Descriptors this module owns in this environment (epoll and kqueue objects,
 * readiness sets), closed when the environment exits: a worker thread that
 * ends with a selector open must not leave its descriptor to the process.
 */
const owned = new Set<number>();
let exitHook = false;

/** Records a descriptor this module created and must close. */
export function adoptOwned(fd: number): number {
  owned.add(fd);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of owned) sn.close(d);
      owned.clear();
    });
  }
  return fd;
}

/** Closes a descriptor this module owns (an epoll, kqueue or readiness set): watchers on it go first. */
export function closeOwned(fd: number): void {
  if (!owned.delete(fd)) return; // closed already (close() then the finalizer, or the exit hook)
  descriptorWillClose(fd);
  sn.close(fd);
}

/** OSError from a negative result. */
export function check(r: number, syscall: string): number {
  if (r < 0) throw errnoError(-r, syscall);
  return r;
}

/** The closed-object error of select's objects (Python's ValueError). */
export const closedError = (what: string): RangeError => new RangeError(`I/O operation on closed ${what}`);

export { OSError, EBADF };

/** What a twin's attempt returns when nothing is ready yet. */
export const NOT_YET: unique symbol = Symbol('not yet');

/** How a twin waits: see waitReady. */
export interface WaitSpec<T> {
  /** The watcher of the descriptor to wait on (an epoll or kqueue descriptor, readable when something it watches is). */
  watcher: () => Watcher;
  /** Whether the watcher is this wait's own (closed when it ends) or its object's (kept). */
  own: boolean;
  /** A zero-timeout call: a result, or NOT_YET. */
  attempt: () => T | typeof NOT_YET;
  /** Runs before each retry (a readiness set drains its edge reports, so an edge after it is never lost). */
  beforeAttempt?: () => void;
  /** Monotonic ms; Infinity for none. */
  deadline: number;
  signal: AbortSignal | undefined;
  /** The result at the deadline (an empty one, as Python's calls return). */
  onTimeout: () => T;
  /** Names the call in the EBADF of a descriptor closed while waiting. */
  syscall: string;
  /** Runs once when the wait ends, whichever way. */
  cleanup?: () => void;
}

/**
 * The one wait of the Promise twins: between zero-timeout attempts the twin
 * waits for readiness through the event loop's reactor, never blocking the
 * thread. At the deadline it resolves `onTimeout()` (after one last
 * attempt); an abort rejects with AbortError; a close of the descriptor
 * waited on rejects with EBADF.
 */
export function waitReady<T>(spec: WaitSpec<T>): Promise<T> {
  const { attempt, deadline, signal } = spec;
  const before = spec.beforeAttempt ?? ((): void => {});
  return new Promise<T>((resolve, reject) => {
    let watcher: Watcher | null = null;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const settle = (): void => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (watcher !== null) {
        // Safe inside ready(): the reactor skips a waiter already withdrawn.
        watcher.remove(waiter);
        if (spec.own) watcher.close();
        watcher = null;
      }
      spec.cleanup?.();
    };
    const finish = (get: () => T): void => {
      if (done) return;
      let v: T;
      try {
        v = get();
      } catch (e) {
        settle();
        reject(e);
        return;
      }
      settle();
      resolve(v);
    };
    const waiter: Waiter = {
      ready(): boolean {
        if (done) return true;
        let v: T | typeof NOT_YET;
        try {
          before();
          v = attempt();
        } catch (e) {
          settle();
          reject(e);
          return true;
        }
        if (v === NOT_YET) return false;
        settle();
        resolve(v);
        return true;
      },
      fail(err: Error | null): void {
        if (done) return;
        settle();
        reject(err ?? errnoError(EBADF, spec.syscall));
      },
    };
    const onAbort = (): void => {
      if (done) return;
      settle();
      reject(abortError(signal!));
    };
    try {
      watcher = spec.watcher();
      if (deadline !== Infinity) {
        timer = setTimeout(() => finish(() => {
          // One last look: what became ready right at the deadline counts.
          before();
          const last = attempt();
          return last === NOT_YET ? spec.onTimeout() : last;
        }), Math.max(1, Math.ceil(deadline - now())));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      watcher.add(waiter, READABLE);
    } catch (e) {
      settle();
      reject(e);
    }
  });
}

/** A watcher of `fd` for one wait (alive while `alive()` says so). */
export function ownWatcher(fd: number, alive: () => boolean): () => Watcher {
  return () => openWatcher(fd, alive);
}

/**
 * A readiness set for the select and poll twins: a private epoll (or kqueue)
 * descriptor watching the descriptors edge-triggered, so that after a
 * spurious wake (a condition epoll reports that select or poll does not count)
 * draining it quiets it until the next change. Null where the platform has
 * neither.
 */
export class ReadinessSet {
  readonly fd: number;
  #out = new Uint32Array(128);
  #kout = new Float64Array(6 * 64);

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** `interest`: descriptor -> mask of 1 (read), 2 (write), 4 (priority). */
  static open(interest: Map<number, number>): ReadinessSet {
    if (sn.epoll_open !== undefined) {
      const fd = adoptOwned(check(sn.epoll_open(0), 'epoll_create1'));
      const set = new ReadinessSet(fd);
      try {
        for (const [d, m] of interest) {
          let ev = K['EPOLLET']!;
          if (m & 1) ev |= K['EPOLLIN']! | K['EPOLLRDHUP']!;
          if (m & 2) ev |= K['EPOLLOUT']!;
          if (m & 4) ev |= K['EPOLLPRI']!;
          const r = sn.epoll_control!(fd, limits.EPOLL_CTL_ADD!, d, ev >>> 0);
          // A regular file (EPERM) is always ready for select and poll, so the
          // first attempt found it; EBADF was reported by that attempt too.
          if (r < 0 && -r !== EPERM) throw errnoError(-r, 'epoll_ctl');
        }
      } catch (e) {
        set.close();
        throw e;
      }
      return set;
    }
    if (sn.kqueue_open !== undefined) {
      const fd = adoptOwned(check(sn.kqueue_open(), 'kqueue'));
      const set = new ReadinessSet(fd);
      const changes: number[] = [];
      for (const [d, m] of interest) {
        // EV_ADD | EV_CLEAR: edge-triggered, as the epoll form.
        const flags = K['KQ_EV_ADD']! | K['KQ_EV_CLEAR']!;
        if (m & 5) changes.push(d, K['KQ_FILTER_READ']!, flags, 0, 0, 0);
        if (m & 2) changes.push(d, K['KQ_FILTER_WRITE']!, flags, 0, 0, 0);
      }
      const r = sn.kevent_call!(fd, new Float64Array(changes), changes.length / 6, set.#kout, 0, 0, 0);
      if (r < 0) {
        set.close();
        throw errnoError(-r, 'kevent');
      }
      return set;
    }
    throw new OSError('no epoll or kqueue on this platform: the select twins cannot wait');
  }

  /** Consumes the reports queued so far (they are edges: each is reported once). */
  drain(): void {
    if (sn.epoll_wait_into !== undefined) {
      while (sn.epoll_wait_into(this.fd, this.#out, 64, 0) === 64) { /* more queued */ }
    } else {
      while (sn.kevent_call!(this.fd, this.#kout, 0, this.#kout, 64, 0, 0) === 64) { /* more queued */ }
    }
  }

  close(): void {
    closeOwned(this.fd);
  }
}

const EPERM = 1;
