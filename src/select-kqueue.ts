/**
 * Python's `select.kqueue` and `select.kevent`, where the platform has
 * kqueue(2) (macOS and the BSDs; native/select.c compiles them only where
 * <sys/event.h> defines them). On Linux `hasKqueue` is false and `kqueue()`
 * throws OSError.
 */
import { errnoError, OSError } from './errors.js';
import { toInt } from './validate.js';
import { sn, K, toFd, toNanoseconds, toList, check, closedError, closeOwned, adoptOwned, deadlineAfter, retryEintr } from './select-internal.js';

/** Whether this platform has kqueue (macOS, the BSDs). */
export const hasKqueue: boolean = sn.kqueue_open !== undefined;

const FIELDS = 6;
/** The descriptor fromfd() hands to the constructor. */
let adopting: number | null = null;

/** Python's `select.kevent`: one change or event of a kqueue. */
export class kevent {
  ident: number;
  filter: number;
  flags: number;
  fflags: number;
  data: number;
  udata: number;

  /**
   * @syscall none
   * @throws {TypeError} ident neither an integer nor has fileno()
   */
  constructor(ident: number | { fileno(): number }, filter?: number, flags?: number, fflags = 0, data = 0, udata = 0) {
    this.ident = toFd(ident);
    this.filter = filter === undefined ? K['KQ_FILTER_READ'] ?? -1 : toInt('kevent', 'filter', filter);
    this.flags = flags === undefined ? K['KQ_EV_ADD'] ?? 1 : toInt('kevent', 'flags', flags);
    this.fflags = toInt('kevent', 'fflags', fflags);
    this.data = toInt('kevent', 'data', data);
    this.udata = toInt('kevent', 'udata', udata);
  }
}

/** Python's `select.kqueue` object: a kqueue descriptor (close-on-exec). */
export class Kqueue {
  #fd: number;

  /**
   * @syscall kqueue(2)
   * @throws {OSError} no kqueue on this platform, EMFILE
   */
  constructor() {
    if (adopting !== null) {
      this.#fd = adoptOwned(adopting);
      adopting = null;
      finalizer.register(this, this.#fd, this);
      return;
    }
    if (sn.kqueue_open === undefined) throw new OSError('kqueue is not available on this platform');
    this.#fd = adoptOwned(check(sn.kqueue_open(), 'kqueue'));
    finalizer.register(this, this.#fd, this);
  }

  /** A kqueue object owning an existing kqueue descriptor. */
  static fromfd(fd: number): Kqueue {
    adopting = toFd(fd);
    return new Kqueue();
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  fileno(): number {
    if (this.#fd < 0) throw closedError('kqueue object');
    return this.#fd;
  }

  /** @syscall close(2) */
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    finalizer.unregister(this);
    closeOwned(fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Applies `changelist` (kevent objects or null) and returns at most
   * `maxEvents` events, waiting up to `timeout` seconds (null: no limit).
   * @syscall kevent(2), retried on EINTR with the time left
   * @throws {RangeError} closed, negative maxEvents or timeout · {TypeError} a change that is not a kevent
   */
  control(changelist: Iterable<kevent> | null, maxEvents: number, timeout?: number | null): kevent[] {
    const changes = changelist === null ? [] : toList(changelist, 'changelist is not iterable');
    const max = toInt('control', 'maxevents', maxEvents);
    if (max < 0) throw new RangeError(`Length of eventlist must be 0 or positive, got ${max}`);
    const ns = toNanoseconds(timeout, 1e9, 'timeout argument must be a number or None');
    if (ns !== null && ns < 0) throw new RangeError('timeout must be positive or None');
    const input = new Float64Array(changes.length * FIELDS);
    changes.forEach((c, i) => {
      if (!(c instanceof kevent)) throw new TypeError('changelist must be an iterable of select.kevent objects');
      input.set([c.ident, c.filter, c.flags, c.fflags, c.data, c.udata], i * FIELDS);
    });
    const fd = this.fileno();
    const out = new Float64Array(max * FIELDS);
    const r = retryEintr(ns, deadlineAfter(ns), (left) => {
      const sec = left === null ? -1 : Math.floor(left / 1e9);
      return sn.kevent_call!(fd, input, changes.length, out, max, sec, left === null ? 0 : left - sec * 1e9);
    });
    if (r < 0) throw errnoError(-r, 'kevent');
    const res: kevent[] = [];
    for (let i = 0; i < r; i++) {
      const f = out.subarray(i * FIELDS, i * FIELDS + FIELDS);
      res.push(new kevent(f[0]!, f[1], f[2], f[3], f[4], f[5]));
    }
    return res;
  }
}

const finalizer = new FinalizationRegistry<number>((fd) => closeOwned(fd));

/**
 * A new kqueue object (Python's `select.kqueue()`).
 * @syscall kqueue(2)
 */
export function kqueue(): Kqueue {
  return new Kqueue();
}
