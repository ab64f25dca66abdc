/**
 * `bsd-socket/select` (also `socket.select`): Python's `select` module for
 * Linux, and for macOS and the BSDs where each call exists. `select()`,
 * `poll()` objects (milliseconds), `epoll` objects (seconds), `kqueue` where
 * the platform has it, every `POLL*`/`EPOLL*`/`KQ_*` constant with the
 * platform's value, `PIPE_BUF` and `error`. Each waiting call has a Promise
 * twin (`select.async.select`, `p.async.poll`, `ep.async.poll`) that never
 * blocks the event loop. See docs/select.md.
 */
import { errnoError, OSError } from './errors.js';
import { toInt } from './validate.js';
import { EINTR } from './deadline.js';
import { openWatcher, type Watcher } from './async/reactor.js';
import { type AsyncOptions, isOptions, signalOf } from './async/options.js';
import {
  sn, limits, K, type FileDescriptorLike, toFd, toList, toNanoseconds, msCeil, checkMs, deadlineAfter,
  retryEintr, KeyError, check, closedError, closeOwned, adoptOwned, NOT_YET, waitReady, ownWatcher, ReadinessSet,
} from './select-internal.js';

export * from './select-constants.gen.js';
export { OSError as error, KeyError, type FileDescriptorLike };
export type { AsyncOptions };

const POLLIN = K['POLLIN']!, POLLPRI = K['POLLPRI']!, POLLOUT = K['POLLOUT']!;

// ---------------------------------------------------------------- select()

/** Python's select timeout: whole microseconds, rounded up; null waits forever. */
function selectTimeoutNs(timeout: unknown): number | null {
  const ns = toNanoseconds(timeout, 1e9, 'timeout must be a float or None');
  if (ns !== null && ns < 0) throw new RangeError('timeout must be non-negative');
  return ns;
}

interface SelectArgs<R, W, X> {
  lists: [R[], W[], X[]];
  fds: [Int32Array, Int32Array, Int32Array];
  ns: number | null;
}

function selectArgs<R, W, X>(rlist: Iterable<R>, wlist: Iterable<W>, xlist: Iterable<X>, timeout: unknown): SelectArgs<R, W, X> {
  // Python reads the timeout first, then each list in turn.
  const ns = selectTimeoutNs(timeout);
  const message = 'arguments 1-3 must be sequences';
  const lists = [toList(rlist, message), toList(wlist, message), toList(xlist, message)] as [R[], W[], X[]];
  const fds = lists.map((l) => {
    const a = new Int32Array(l.length);
    for (let i = 0; i < l.length; i++) {
      const fd = toFd(l[i]);
      if (fd >= limits.FD_SETSIZE) throw new RangeError('filedescriptor out of range in select()');
      a[i] = fd;
    }
    return a;
  }) as [Int32Array, Int32Array, Int32Array];
  return { lists, fds, ns };
}

/** One select(2) call with `ns` (null: no limit); the ready objects, or -errno. */
function selectOnce<R, W, X>(a: SelectArgs<R, W, X>, ns: number | null): [R[], W[], X[]] | number {
  const fds = a.fds.map((f) => f.slice()) as [Int32Array, Int32Array, Int32Array];
  let sec = -1, usec = 0;
  if (ns !== null) {
    const us = Math.ceil(ns / 1000);
    sec = Math.floor(us / 1e6);
    usec = us - sec * 1e6;
  }
  const r = sn.select_wait(fds[0], fds[1], fds[2], sec, usec);
  if (r < 0) return r;
  return [pick(a.lists[0], fds[0]), pick(a.lists[1], fds[1]), pick(a.lists[2], fds[2])];
}

function pick<T>(objs: T[], fds: Int32Array): T[] {
  const out: T[] = [];
  for (let i = 0; i < objs.length; i++) if (fds[i] !== -1) out.push(objs[i]!);
  return out;
}

/**
 * Waits until some of the objects are ready for reading, writing or an
 * exceptional condition (out-of-band data), or `timeout` seconds pass (null
 * or absent: no limit; 0 polls). Objects are descriptor numbers or anything
 * with `fileno()`; the result holds the same objects, in their order.
 * @syscall select(2), retried on EINTR with the time left (PEP 475)
 * @throws {TypeError} a list is not iterable, an element is neither an integer nor has fileno(), a timeout not a number ·
 *   {RangeError} a negative or NaN timeout, a descriptor negative or >= FD_SETSIZE (Python's ValueError), a timeout
 *   too large (OverflowError) · {OSError} EBADF and the other errors of select(2)
 */
export function select<R = FileDescriptorLike, W = FileDescriptorLike, X = FileDescriptorLike>(
  rlist: Iterable<R>, wlist: Iterable<W>, xlist: Iterable<X>, timeout?: number | null): [R[], W[], X[]] {
  const a = selectArgs(rlist, wlist, xlist, timeout);
  const deadline = deadlineAfter(a.ns);
  let out: [R[], W[], X[]] = [[], [], []];
  const r = retryEintr(a.ns, deadline, (left) => {
    const v = selectOnce(a, left);
    if (typeof v === 'number') return v;
    out = v;
    return 0;
  });
  if (r < 0) throw errnoError(-r, 'select');
  return out;
}

/** A zero-timeout attempt for a twin: ready objects, or NOT_YET when none are. */
function tryNow<T>(call: () => number | T, syscall: string, empty: (v: T) => boolean): T | typeof NOT_YET {
  for (;;) {
    const v = call();
    if (typeof v === 'number') {
      if (v === -EINTR) continue;
      throw errnoError(-v, syscall);
    }
    return empty(v) ? NOT_YET : v;
  }
}

const noneReady = <R, W, X>(v: [R[], W[], X[]]): boolean => v[0].length + v[1].length + v[2].length === 0;

/** Splits a twin's trailing options object from its positionals (DESIGN §2). */
function optionsLast(caller: string, args: unknown[], max: number): [unknown[], AbortSignal | undefined] {
  let opts: unknown;
  if (args.length > max || (args.length > 0 && args.length <= max && isOptions(args[args.length - 1]) &&
    !isIterableArg(args[args.length - 1]))) {
    opts = args[args.length - 1];
    args = args.slice(0, -1);
  }
  if (args.length > max) throw new TypeError(`${caller}() takes at most ${max} arguments (${args.length} given)`);
  return [args, signalOf(caller, opts)];
}

const isIterableArg = (v: unknown): boolean =>
  typeof (v as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] === 'function';

/**
 * The twin of select(): the same arguments and result, plus `{ signal }`;
 * waits through the event loop (a private epoll or kqueue set, edge-triggered),
 * never blocking it. Bad arguments reject with select()'s errors.
 * @syscall select(2) with a zero timeout, epoll_wait(2)/kevent(2) readiness
 */
function selectAsync<R = FileDescriptorLike, W = FileDescriptorLike, X = FileDescriptorLike>(
  rlist: Iterable<R>, wlist: Iterable<W>, xlist: Iterable<X>, timeout?: number | null | AsyncOptions,
  options?: AsyncOptions): Promise<[R[], W[], X[]]> {
  try {
    const [pos, signal] = optionsLast('select', [timeout, options].slice(0, countGiven(timeout, options)), 1);
    const a = selectArgs(rlist, wlist, xlist, pos[0]);
    const deadline = deadlineAfter(a.ns);
    const attempt = (): [R[], W[], X[]] | typeof NOT_YET => tryNow(() => selectOnce(a, 0), 'select', noneReady);
    const first = attempt();
    if (first !== NOT_YET || a.ns === 0) return Promise.resolve(first === NOT_YET ? [[], [], []] : first);
    const interest = new Map<number, number>();
    a.fds.forEach((fds, i) => { for (const fd of fds) interest.set(fd, (interest.get(fd) ?? 0) | (1 << i)); });
    const set = ReadinessSet.open(interest);
    let alive = true;
    return waitReady({
      watcher: ownWatcher(set.fd, () => alive), own: true, attempt, beforeAttempt: () => set.drain(),
      deadline, signal, onTimeout: () => [[], [], []], syscall: 'select',
      cleanup: () => { alive = false; set.close(); },
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The module's Promise twins (also reachable as `select.async.select` from the main module's namespace). */
export const async = Object.freeze({ select: selectAsync });

// ------------------------------------------------------------------ poll()

const DEFAULT_POLL_MASK = POLLIN | POLLPRI | POLLOUT;

function pollMask(v: unknown): number {
  if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint' || typeof v === 'number' && !Number.isInteger(v)) {
    throw new TypeError('an integer is required');
  }
  const n = toInt('', 'eventmask', v);
  if (n < 0) throw new RangeError('value must be positive');
  if (n > 0xffff) throw new RangeError('Python int too large for C unsigned short');
  return n;
}

/** poll.poll's timeout: milliseconds, rounded up; null, absent or negative waits forever. */
function pollTimeoutMs(timeout: unknown): number {
  const ns = toNanoseconds(timeout, 1e6, 'timeout must be an integer or None');
  if (ns === null) return -1;
  const ms = checkMs(ns >= 0 ? Math.ceil(ns / 1e6) : -Math.ceil(-ns / 1e6));
  return ms < 0 ? -1 : ms;
}

/**
 * Python's poll object: a set of descriptors with event masks, polled
 * together. No descriptor limit (unlike select()). Not closable: it owns no
 * descriptor.
 */
export class Poll {
  /** Registration order, as Python's dict keeps it. */
  #masks = new Map<number, number>();
  #buf = new Int32Array(0);
  #stale = true;

  /**
   * Watches `fd` for `eventmask` (default POLLIN | POLLPRI | POLLOUT);
   * registering it again replaces its mask.
   * @syscall none (poll(2) reads the set)
   * @throws {TypeError} fd not a descriptor, mask not an integer · {RangeError} fd negative, mask outside 0-65535
   */
  register(fd: FileDescriptorLike, eventmask?: number): void {
    const d = toFd(fd);
    const m = eventmask === undefined ? DEFAULT_POLL_MASK : pollMask(eventmask);
    this.#masks.set(d, m);
    this.#stale = true;
  }

  /**
   * Changes the mask of a registered descriptor.
   * @syscall none
   * @throws {FileNotFoundError} not registered (Python's OSError ENOENT) · as register()
   */
  modify(fd: FileDescriptorLike, eventmask: number): void {
    const d = toFd(fd);
    const m = pollMask(eventmask);
    if (!this.#masks.has(d)) throw errnoError(ENOENT, 'poll.modify');
    this.#masks.set(d, m);
    this.#stale = true;
  }

  /**
   * Stops watching `fd`.
   * @syscall none
   * @throws {KeyError} not registered (a RangeError subclass) · as register()
   */
  unregister(fd: FileDescriptorLike): void {
    const d = toFd(fd);
    if (!this.#masks.delete(d)) throw new KeyError(d);
    this.#stale = true;
  }

  #array(): Int32Array {
    if (this.#stale) {
      const stride = limits.POLLFD_SIZE / 4;
      const buf = new Int32Array(this.#masks.size * stride);
      const shorts = new Int16Array(buf.buffer);
      let i = 0;
      for (const [fd, m] of this.#masks) {
        buf[i * stride] = fd;
        shorts[(i * limits.POLLFD_SIZE + limits.POLLFD_EVENTS) / 2] = m << 16 >> 16;
        i++;
      }
      this.#buf = buf;
      this.#stale = false;
    }
    return this.#buf;
  }

  #once(ms: number): Array<[number, number]> | number {
    const buf = this.#array();
    const n = this.#masks.size;
    const r = sn.poll_wait(buf, n, ms);
    if (r < 0) return r;
    const out: Array<[number, number]> = [];
    if (r === 0) return out;
    const shorts = new Uint16Array(buf.buffer);
    const stride = limits.POLLFD_SIZE / 4;
    for (let i = 0; i < n && out.length < r; i++) {
      const idx = (i * limits.POLLFD_SIZE + limits.POLLFD_REVENTS) / 2;
      const ev = shorts[idx]!;
      if (ev !== 0) {
        out.push([buf[i * stride]!, ev]);
        shorts[idx] = 0;
      }
    }
    return out;
  }

  /**
   * Waits up to `timeout` milliseconds (null, absent or negative: no limit)
   * and returns `[fd, events]` of every ready descriptor, in registration
   * order (POLLNVAL for a closed one).
   * @syscall poll(2), retried on EINTR with the time left (PEP 475)
   * @throws {TypeError} timeout not a number · {RangeError} NaN, or too large for a C int of milliseconds · {OSError}
   */
  poll(timeout?: number | null): Array<[number, number]> {
    const ms = pollTimeoutMs(timeout);
    const deadline = ms < 0 ? Infinity : deadlineAfter(ms * 1e6);
    let out: Array<[number, number]> = [];
    const r = retryEintr(ms < 0 ? null : ms * 1e6, deadline, (left) => {
      const v = this.#once(left === null ? -1 : msCeil(left));
      if (typeof v === 'number') return v;
      out = v;
      return 0;
    });
    if (r < 0) throw errnoError(-r, 'poll');
    return out;
  }

  /** The Promise twins of this object. */
  readonly async = {
    /**
     * The twin of poll(): the same timeout (ms) and result, plus `{ signal }`;
     * never blocks the event loop.
     * @syscall poll(2) with a zero timeout, epoll_wait(2)/kevent(2) readiness
     */
    poll: (timeout?: number | null | AsyncOptions, options?: AsyncOptions): Promise<Array<[number, number]>> => {
      try {
        const [pos, signal] = optionsLast('poll', [timeout, options].slice(0, countGiven(timeout, options)), 1);
        const ms = pollTimeoutMs(pos[0]);
        const deadline = ms < 0 ? Infinity : deadlineAfter(ms * 1e6);
        const attempt = (): Array<[number, number]> | typeof NOT_YET =>
          tryNow(() => this.#once(0), 'poll', (v) => v.length === 0);
        const first = attempt();
        if (first !== NOT_YET || ms === 0) return Promise.resolve(first === NOT_YET ? [] : first);
        const interest = new Map<number, number>();
        for (const [fd, m] of this.#masks) {
          interest.set(fd, ((m & (POLLIN | K['POLLRDNORM']!)) ? 1 : 0) | ((m & (POLLOUT | K['POLLWRNORM']!)) ? 2 : 0) |
            ((m & POLLPRI) ? 4 : 0));
        }
        const set = ReadinessSet.open(interest);
        let alive = true;
        return waitReady({
          watcher: ownWatcher(set.fd, () => alive), own: true, attempt, beforeAttempt: () => set.drain(),
          deadline, signal, onTimeout: () => [], syscall: 'poll',
          cleanup: () => { alive = false; set.close(); },
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

/** How many of a twin's trailing arguments were given (undefined at the end counts as absent). */
function countGiven(...args: unknown[]): number {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return n;
}

const ENOENT = 2;

/**
 * A new poll object.
 * @syscall none
 */
export function poll(): Poll {
  return new Poll();
}

// ----------------------------------------------------------------- epoll

const DEFAULT_EPOLL_MASK = (K['EPOLLIN'] ?? 0) | (K['EPOLLPRI'] ?? 0) | (K['EPOLLOUT'] ?? 0);

function epollMask(v: unknown): number {
  const n = toInt('', 'eventmask', v);
  // A C unsigned int; Python wraps negatives modulo 2**32, as the bits they stand for.
  if (n < -0x80000000 || n > 0xffffffff) throw new RangeError('Python int too large to convert to C unsigned long');
  return n >>> 0;
}

/** The descriptor fromfd() hands to the constructor (no JS runs in between). */
let adopting: number | null = null;

/** Closes an epoll or kqueue descriptor whose object was collected while open. */
const ownedFinalizer = new FinalizationRegistry<number>((fd) => closeOwned(fd));

/**
 * Python's epoll object: the kernel's interest list on a descriptor of its
 * own (close-on-exec). Close it with close() or `using`; one collected while
 * open is closed then.
 */
export class Epoll {
  #fd: number;
  #out = new Uint32Array(0);
  #watcher: Watcher | null = null;

  /**
   * @syscall epoll_create1(2) with EPOLL_CLOEXEC
   * @throws {RangeError} sizehint 0 or below -1 ("negative sizehint") · {OSError} flags other than 0 or EPOLL_CLOEXEC
   *   ("invalid flags", errno null), EMFILE and the other errors of epoll_create1
   */
  constructor(sizehint: number = -1, flags: number = 0) {
    if (adopting !== null) {
      this.#fd = adoptOwned(adopting);
      adopting = null;
      ownedFinalizer.register(this, this.#fd, this);
      return;
    }
    const hint = toInt('epoll', 'sizehint', sizehint);
    const f = toInt('epoll', 'flags', flags);
    if (hint !== -1 && hint <= 0) throw new RangeError('negative sizehint');
    if (f !== 0 && f !== K['EPOLL_CLOEXEC']) throw new OSError('invalid flags');
    this.#fd = adoptOwned(check(epollNative().epoll_open(0), 'epoll_create1'));
    ownedFinalizer.register(this, this.#fd, this);
  }

  /**
   * An epoll object for an existing epoll descriptor, which it then owns (closes).
   * @syscall none
   */
  static fromfd(fd: number): Epoll {
    const d = toInt('fromfd', 'fd', fd);
    if (d < 0) throw new RangeError(`file descriptor cannot be a negative integer (${d})`);
    adopting = d;
    return new Epoll();
  }

  #open(): number {
    if (this.#fd < 0) throw closedError('epoll object');
    return this.#fd;
  }

  /** Whether close() has run. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /**
   * The epoll descriptor.
   * @throws {RangeError} closed
   */
  fileno(): number {
    return this.#open();
  }

  /**
   * Closes the epoll descriptor; pending twins reject with EBADF. Idempotent.
   * @syscall close(2)
   */
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    this.#watcher = null;
    ownedFinalizer.unregister(this);
    closeOwned(fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #ctl(op: number, fd: FileDescriptorLike, mask: number): void {
    const d = toFd(fd);
    const ep = this.#open();
    const r = epollNative().epoll_control(ep, op, d, mask);
    if (r < 0) throw errnoError(-r, 'epoll_ctl');
  }

  /**
   * Adds `fd` with `eventmask` (default EPOLLIN | EPOLLPRI | EPOLLOUT).
   * @syscall epoll_ctl(2) EPOLL_CTL_ADD
   * @throws {FileExistsError} already registered · {RangeError} closed, mask beyond a C unsigned int · {OSError}
   */
  register(fd: FileDescriptorLike, eventmask?: number): void {
    const m = eventmask === undefined ? DEFAULT_EPOLL_MASK : epollMask(eventmask);
    this.#ctl(limits.EPOLL_CTL_ADD!, fd, m);
  }

  /**
   * Changes the mask of a registered descriptor.
   * @syscall epoll_ctl(2) EPOLL_CTL_MOD
   * @throws {FileNotFoundError} not registered · as register()
   */
  modify(fd: FileDescriptorLike, eventmask: number): void {
    this.#ctl(limits.EPOLL_CTL_MOD!, fd, epollMask(eventmask));
  }

  /**
   * Removes a registered descriptor.
   * @syscall epoll_ctl(2) EPOLL_CTL_DEL
   * @throws {FileNotFoundError} not registered · {OSError} EBADF for a descriptor already closed · {RangeError} closed
   */
  unregister(fd: FileDescriptorLike): void {
    this.#ctl(limits.EPOLL_CTL_DEL!, fd, 0);
  }

  #args(timeout: unknown, maxevents: unknown): { ms: number; ns: number | null; max: number } {
    const ns = toNanoseconds(timeout, 1e9, 'timeout must be an integer or None');
    let ms = -1;
    if (ns !== null) {
      ms = checkMs(msCeil(ns));
      if (ms < 0) ms = -1;
    }
    let max = maxevents === undefined || maxevents === null ? -1 : toInt('poll', 'maxevents', maxevents);
    if (max === -1) max = limits.FD_SETSIZE - 1;
    else if (max < 1) throw new RangeError(`maxevents must be greater than 0, got ${max}`);
    if (max > 0x7fffffff) throw new RangeError('Python int too large to convert to C int');
    this.#open();
    return { ms, ns: ms < 0 ? null : ns, max };
  }

  #once(ms: number, max: number): Array<[number, number]> | number {
    const ep = this.#open();
    // At most MAX_EVENTS a call: the rest stay queued for the next (maxevents is an upper bound).
    const n = Math.min(max, MAX_EVENTS);
    if (this.#out.length < n * 2) this.#out = new Uint32Array(n * 2);
    const out = this.#out;
    const r = epollNative().epoll_wait_into(ep, out, n, ms);
    if (r < 0) return r;
    const res: Array<[number, number]> = new Array(r);
    for (let i = 0; i < r; i++) res[i] = [out[2 * i]!, out[2 * i + 1]!];
    return res;
  }

  /**
   * Waits up to `timeout` seconds (null, absent or negative: no limit) for at
   * most `maxevents` events (-1: FD_SETSIZE - 1) and returns `[fd, events]`.
   * @syscall epoll_wait(2), retried on EINTR with the time left (PEP 475)
   * @throws {RangeError} closed, NaN or too large a timeout, maxevents 0 or below -1 · {TypeError} · {OSError}
   */
  poll(timeout?: number | null, maxevents?: number): Array<[number, number]> {
    const { ms, max } = this.#args(timeout, maxevents);
    const deadline = ms < 0 ? Infinity : deadlineAfter(ms * 1e6);
    let res: Array<[number, number]> = [];
    const r = retryEintr(ms < 0 ? null : ms * 1e6, deadline, (left) => {
      const v = this.#once(left === null ? -1 : msCeil(left), max);
      if (typeof v === 'number') return v;
      res = v;
      return 0;
    });
    if (r < 0) throw errnoError(-r, 'epoll_wait');
    return res;
  }

  #watch(): Watcher {
    const fd = this.#open();
    if (this.#watcher === null || this.#watcher.isClosed) {
      const self = new WeakRef(this);
      this.#watcher = openWatcher(fd, () => { const ep = self.deref(); return ep !== undefined && ep.#fd === fd; });
    }
    return this.#watcher;
  }

  /** The Promise twins of this object. */
  readonly async = {
    /**
     * The twin of poll(): the same arguments (seconds) and result, plus
     * `{ signal }`; waits for the epoll descriptor itself to become readable
     * on the event loop. Closing the object rejects it with EBADF.
     * @syscall epoll_wait(2) with a zero timeout; readiness of the epoll descriptor
     */
    poll: (timeout?: number | null | AsyncOptions, maxevents?: number | AsyncOptions,
      options?: AsyncOptions): Promise<Array<[number, number]>> => {
      try {
        const [pos, signal] = optionsLast('poll', [timeout, maxevents, options].slice(0,
          countGiven(timeout, maxevents, options)), 2);
        const { ms, max } = this.#args(pos[0], pos[1]);
        const deadline = ms < 0 ? Infinity : deadlineAfter(ms * 1e6);
        const attempt = (): Array<[number, number]> | typeof NOT_YET =>
          tryNow(() => this.#once(0, max), 'epoll_wait', (v) => v.length === 0);
        const first = attempt();
        if (first !== NOT_YET || ms === 0) return Promise.resolve(first === NOT_YET ? [] : first);
        return waitReady({
          watcher: () => this.#watch(), own: false, attempt, deadline, signal, onTimeout: () => [],
          syscall: 'epoll_wait',
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

const MAX_EVENTS = 65536;

interface EpollNative {
  epoll_open(flags: number): number;
  epoll_control(epfd: number, op: number, fd: number, events: number): number;
  epoll_wait_into(epfd: number, out: Uint32Array, maxevents: number, ms: number): number;
}

function epollNative(): EpollNative {
  if (sn.epoll_open === undefined) throw new OSError('epoll is not available on this platform');
  return sn as unknown as EpollNative;
}

/** Whether this platform has epoll (Linux). */
export const hasEpoll: boolean = sn.epoll_open !== undefined;

/**
 * A new epoll object (Python's `select.epoll(sizehint=-1, flags=0)`).
 * @syscall epoll_create1(2)
 */
export function epoll(sizehint?: number, flags?: number): Epoll {
  return new Epoll(sizehint, flags);
}
epoll.fromfd = (fd: number): Epoll => Epoll.fromfd(fd);

// ---------------------------------------------------------------- kqueue

export { kqueue, kevent, Kqueue, hasKqueue } from './select-kqueue.js';

