/**
 * `bsd-socket/selectors` (also `socket.selectors`): Python's `selectors`
 * module, high-level I/O multiplexing over bsd-socket/select: the selector
 * classes keep a map of registered file objects (descriptor numbers or
 * anything with `fileno()`) to `SelectorKey`s, and `select()` returns the
 * ready keys. `DefaultSelector` is the best the platform has (epoll on Linux,
 * kqueue on macOS and the BSDs, else poll). Each selector has the Promise
 * twin `sel.async.select(timeout?, { signal })`. See docs/select.md.
 */
import { type AsyncOptions, isOptions, signalOf } from './async/options.js';
import { Epoll, Poll, select as selectCall, async as selectAsync, hasEpoll, POLLIN, POLLOUT, EPOLLIN, EPOLLOUT } from './select.js';
import { Kqueue, kevent, hasKqueue } from './select-kqueue.js';
import { K, KeyError, reprOf, closedError, type FileDescriptorLike } from './select-internal.js';

export { KeyError, type FileDescriptorLike };
export type { AsyncOptions };

/** Python's EVENT_READ: the file object is readable. */
export const EVENT_READ = 1 << 0;
/** Python's EVENT_WRITE: the file object is writable. */
export const EVENT_WRITE = 1 << 1;

/** Python's `SelectorKey` named tuple: the registration of one file object. */
export class SelectorKey<D = unknown> {
  constructor(
    /** The object registered (what select() hands back). */
    readonly fileobj: FileDescriptorLike,
    /** Its descriptor. */
    readonly fd: number,
    /** EVENT_READ and/or EVENT_WRITE. */
    readonly events: number,
    /** The data given at registration. */
    readonly data: D,
  ) {
    Object.freeze(this);
  }

  /** The tuple order, so that `const [fileobj, fd, events, data] = key` works. */
  *[Symbol.iterator](): IterableIterator<unknown> {
    yield this.fileobj;
    yield this.fd;
    yield this.events;
    yield this.data;
  }

  toString(): string {
    return `SelectorKey(fileobj=${reprOf(this.fileobj)}, fd=${this.fd}, events=${this.events}, data=${reprOf(this.data)})`;
  }
}

/**
 * selectors' `_fileobj_to_fd`: an integer, or the integer `fileno()` returns.
 * @throws {RangeError} Python's ValueError: "Invalid file object" (no usable fileno()), "Invalid file descriptor"
 */
function fileobjToFd(fileobj: unknown): number {
  let fd: unknown;
  if (typeof fileobj === 'number' || typeof fileobj === 'bigint' || typeof fileobj === 'boolean') {
    fd = fileobj;
  } else {
    const f = (fileobj as { fileno?: unknown } | null | undefined)?.fileno;
    if (typeof f !== 'function') throw new RangeError(`Invalid file object: ${reprOf(fileobj)}`);
    try {
      fd = f.call(fileobj);
    } catch (e) {
      // Python turns the fileno()'s TypeError and ValueError into this ValueError; anything else propagates.
      if (e instanceof TypeError || e instanceof RangeError) throw new RangeError(`Invalid file object: ${reprOf(fileobj)}`);
      throw e;
    }
  }
  const n = typeof fd === 'boolean' ? Number(fd) : typeof fd === 'bigint' ? Number(fd) : fd;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    if (typeof fileobj === 'number') throw new RangeError(`Invalid file object: ${reprOf(fileobj)}`);
    throw new RangeError(`Invalid file object: ${reprOf(fileobj)}`);
  }
  if (n < 0) throw new RangeError(`Invalid file descriptor: ${n}`);
  return n;
}

/** Python's `get_map()` result: a read-only view of the registrations, keyed by file object or descriptor. */
export class SelectorMapping implements Iterable<number> {
  readonly #sel: BaseSelector;
  constructor(sel: BaseSelector) {
    this.#sel = sel;
  }
  /** Registrations. */
  get size(): number {
    return this.#sel._fdToKey.size;
  }
  /** The key of `fileobj` (an object or its descriptor), or undefined. */
  get(fileobj: FileDescriptorLike): SelectorKey | undefined {
    try {
      return this.#sel._fdToKey.get(this.#sel._lookup(fileobj));
    } catch {
      return undefined;
    }
  }
  /**
   * Python's `map[fileobj]`.
   * @throws {KeyError} not registered
   */
  getItem(fileobj: FileDescriptorLike): SelectorKey {
    const k = this.get(fileobj);
    if (k === undefined) throw new KeyError(fileobj, `${reprOf(fileobj)} is not registered`);
    return k;
  }
  has(fileobj: FileDescriptorLike): boolean {
    return this.get(fileobj) !== undefined;
  }
  /** The registered descriptors (Python iterates the mapping's keys, the descriptors). */
  keys(): IterableIterator<number> {
    return this.#sel._fdToKey.keys();
  }
  values(): IterableIterator<SelectorKey> {
    return this.#sel._fdToKey.values();
  }
  entries(): IterableIterator<[number, SelectorKey]> {
    return this.#sel._fdToKey.entries();
  }
  [Symbol.iterator](): IterableIterator<number> {
    return this.keys();
  }
}

/** select()'s result: each ready key with the events ready among those it asked for. */
export type SelectResult = Array<[SelectorKey, number]>;

/**
 * Python's `BaseSelector` (with `_BaseSelectorImpl`'s bookkeeping): the
 * registration map and the checks every selector shares. Subclasses supply
 * the system call.
 */
export abstract class BaseSelector {
  /** @internal descriptor -> key, in registration order. */
  readonly _fdToKey = new Map<number, SelectorKey>();
  #map: SelectorMapping | null = new SelectorMapping(this);
  /** @internal */
  protected closedWhat = 'selector';

  /** @internal _fileobj_lookup: the descriptor, or, for an object whose fileno() no longer works (closed), its key's. */
  _lookup(fileobj: unknown): number {
    try {
      return fileobjToFd(fileobj);
    } catch (e) {
      if (e instanceof RangeError) {
        for (const k of this._fdToKey.values()) if (k.fileobj === fileobj) return k.fd;
      }
      throw e;
    }
  }

  protected checkOpen(): void {
    if (this.#map === null) throw closedError(this.closedWhat);
  }

  /**
   * Registers `fileobj` for `events` (EVENT_READ | EVENT_WRITE) with `data`; returns its key.
   * @syscall epoll_ctl(2) for EpollSelector, kevent(2) for KqueueSelector, none for the others
   * @throws {RangeError} events 0 or with other bits ("Invalid events"), an invalid file object, a closed selector ·
   *   {KeyError} already registered · {OSError} the kernel's refusal (EpollSelector: EPERM for a regular file)
   */
  register<D = unknown>(fileobj: FileDescriptorLike, events: number, data?: D): SelectorKey<D> {
    this.checkOpen();
    if (typeof events !== 'number' || !Number.isInteger(events) || events === 0 || (events & ~(EVENT_READ | EVENT_WRITE)) !== 0) {
      throw new RangeError(`Invalid events: ${reprOf(events)}`);
    }
    const key = new SelectorKey<D>(fileobj, this._lookup(fileobj), events, data as D);
    if (this._fdToKey.has(key.fd)) {
      throw new KeyError(fileobj, `${reprOf(fileobj)} (FD ${key.fd}) is already registered`);
    }
    this._fdToKey.set(key.fd, key);
    try {
      this.added(key);
    } catch (e) {
      this._fdToKey.delete(key.fd);
      throw e;
    }
    return key;
  }

  /**
   * Unregisters `fileobj` (also after it was closed: it is then found by identity); returns its key.
   * @syscall epoll_ctl(2) EPOLL_CTL_DEL for EpollSelector (its errors ignored: the descriptor may be closed)
   * @throws {KeyError} not registered · {RangeError} an invalid file object never registered
   */
  unregister(fileobj: FileDescriptorLike): SelectorKey {
    const fd = this._lookup(fileobj);
    const key = this._fdToKey.get(fd);
    if (key === undefined) throw new KeyError(fileobj, `${reprOf(fileobj)} is not registered`);
    this._fdToKey.delete(fd);
    this.removed(key);
    return key;
  }

  /**
   * Changes the events and/or data of a registered file object; returns the new key.
   * @syscall epoll_ctl(2) EPOLL_CTL_MOD for EpollSelector
   * @throws {KeyError} not registered · as register()
   */
  modify<D = unknown>(fileobj: FileDescriptorLike, events: number, data?: D): SelectorKey<D> {
    this.checkOpen();
    const fd = this._lookup(fileobj);
    const key = this._fdToKey.get(fd);
    if (key === undefined) throw new KeyError(fileobj, `${reprOf(fileobj)} is not registered`);
    if (events !== key.events) {
      if (typeof events !== 'number' || !Number.isInteger(events) || events === 0 || (events & ~(EVENT_READ | EVENT_WRITE)) !== 0) {
        throw new RangeError(`Invalid events: ${reprOf(events)}`);
      }
      try {
        this.changed(key, events);
      } catch (e) {
        // As Python: a refused change leaves the object unregistered.
        this._fdToKey.delete(fd);
        throw e;
      }
    } else if (data === key.data) {
      return key as SelectorKey<D>;
    }
    const next = new SelectorKey<D>(key.fileobj, fd, events, data as D);
    this._fdToKey.set(fd, next);
    return next;
  }

  /**
   * Waits up to `timeout` seconds (null or absent: no limit; 0 or negative:
   * poll) and returns `[key, readyEvents]` for each ready registration. An
   * interrupted wait (EINTR) returns what it has, as Python's does.
   * @syscall select(2), poll(2), epoll_wait(2) or kevent(2), by class
   * @throws {RangeError} a closed selector, NaN
   */
  abstract select(timeout?: number | null): SelectResult;

  /** The Promise twin of select(): the same timeout and result, plus `{ signal }`; never blocks the event loop. */
  readonly async = {
    select: (timeout?: number | null | AsyncOptions, options?: AsyncOptions): Promise<SelectResult> => {
      try {
        let t: unknown = timeout;
        let o: unknown = options;
        if (options === undefined && isOptions(timeout)) {
          o = timeout;
          t = undefined;
        }
        const signal = signalOf('select', o);
        this.checkOpen();
        return this.selectAsync(t as number | null | undefined, signal);
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };

  /**
   * The key of `fileobj`.
   * @throws {KeyError} not registered · {RangeError} closed ("Selector is closed", Python's RuntimeError)
   */
  get_key(fileobj: FileDescriptorLike): SelectorKey {
    if (this.#map === null) throw new RangeError('Selector is closed');
    return this.#map.getItem(fileobj);
  }

  /** The registrations (null once closed, as Python's None). */
  get_map(): SelectorMapping | null {
    return this.#map;
  }

  /**
   * Forgets every registration and frees the selector's resources (its
   * epoll or kqueue descriptor). Idempotent.
   * @syscall close(2) for EpollSelector and KqueueSelector
   */
  close(): void {
    this._fdToKey.clear();
    this.#map = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal the system side of register, unregister and modify. */
  protected added(_key: SelectorKey): void { /* bookkeeping only */ }
  protected removed(_key: SelectorKey): void { /* bookkeeping only */ }
  protected changed(_key: SelectorKey, _events: number): void { /* bookkeeping only */ }
  protected abstract selectAsync(timeout: number | null | undefined, signal: AbortSignal | undefined): Promise<SelectResult>;

  /** Keys for (fd, ready events) reports, masked by what each key asked for. */
  protected collect(fd: number, events: number, out: SelectResult): void {
    const key = this._fdToKey.get(fd);
    if (key !== undefined) out.push([key, events & key.events]);
  }
}

/** selectors' SelectSelector timeout: null stays, the rest at least 0. */
const nonNegative = (t: number | null | undefined): number | null => (t === undefined || t === null ? null : Math.max(t, 0));

/** Python's `SelectSelector`: select(2); descriptors must be below FD_SETSIZE. */
export class SelectSelector extends BaseSelector {
  #readers = new Set<number>();
  #writers = new Set<number>();

  protected override added(key: SelectorKey): void {
    if (key.events & EVENT_READ) this.#readers.add(key.fd);
    if (key.events & EVENT_WRITE) this.#writers.add(key.fd);
  }
  protected override removed(key: SelectorKey): void {
    this.#readers.delete(key.fd);
    this.#writers.delete(key.fd);
  }
  protected override changed(key: SelectorKey, events: number): void {
    this.removed(key);
    this.added(new SelectorKey(key.fileobj, key.fd, events, key.data));
  }

  #result(r: number[], w: number[]): SelectResult {
    const rs = new Set(r), ws = new Set(w);
    const out: SelectResult = [];
    for (const fd of new Set([...r, ...w])) {
      this.collect(fd, (rs.has(fd) ? EVENT_READ : 0) | (ws.has(fd) ? EVENT_WRITE : 0), out);
    }
    return out;
  }

  select(timeout?: number | null): SelectResult {
    this.checkOpen();
    const t = nonNegative(timeout);
    let r: number[], w: number[];
    try {
      [r, w] = selectCall([...this.#readers], [...this.#writers], [], t);
    } catch (e) {
      if (isEintr(e)) return [];
      throw e;
    }
    return this.#result(r, w);
  }

  protected async selectAsync(timeout: number | null | undefined, signal: AbortSignal | undefined): Promise<SelectResult> {
    const [r, w] = await selectAsync.select([...this.#readers], [...this.#writers], [], nonNegative(timeout),
      signal === undefined ? {} : { signal });
    return this.#result(r, w);
  }
}

const isEintr = (e: unknown): boolean => (e as { errno?: unknown } | null)?.errno === 4;

/** Python's PollSelector and EpollSelector timeouts: whole milliseconds, rounded up; <= 0 polls. */
function msTimeout(t: number | null | undefined): number | null {
  if (t === undefined || t === null) return null;
  if (Number.isNaN(t)) throw new RangeError('cannot convert float NaN to integer');
  if (t <= 0) return 0;
  return Math.ceil(t * 1e3);
}

/** Python's poller masks to selector events: anything but the other direction's bit counts (errors wake both). */
function toEvents(ev: number, readBit: number, writeBit: number): number {
  return ((ev & ~readBit) !== 0 ? EVENT_WRITE : 0) | ((ev & ~writeBit) !== 0 ? EVENT_READ : 0);
}

/** Python's `PollSelector`: poll(2), no descriptor limit. */
export class PollSelector extends BaseSelector {
  #poll = new Poll();

  #mask(events: number): number {
    return (events & EVENT_READ ? POLLIN : 0) | (events & EVENT_WRITE ? POLLOUT : 0);
  }
  protected override added(key: SelectorKey): void {
    this.#poll.register(key.fd, this.#mask(key.events));
  }
  protected override removed(key: SelectorKey): void {
    try {
      this.#poll.unregister(key.fd);
    } catch { /* as Python: gone already */ }
  }
  protected override changed(key: SelectorKey, events: number): void {
    this.#poll.modify(key.fd, this.#mask(events));
  }

  #result(list: Array<[number, number]>): SelectResult {
    const out: SelectResult = [];
    for (const [fd, ev] of list) this.collect(fd, toEvents(ev, POLLIN, POLLOUT), out);
    return out;
  }

  select(timeout?: number | null): SelectResult {
    this.checkOpen();
    try {
      return this.#result(this.#poll.poll(msTimeout(timeout)));
    } catch (e) {
      if (isEintr(e)) return [];
      throw e;
    }
  }

  protected async selectAsync(timeout: number | null | undefined, signal: AbortSignal | undefined): Promise<SelectResult> {
    return this.#result(await this.#poll.async.poll(msTimeout(timeout), signal === undefined ? {} : { signal }));
  }
}

/** Python's `EpollSelector`: epoll(7); `fileno()` is the epoll descriptor. */
export class EpollSelector extends BaseSelector {
  #ep: Epoll;

  constructor() {
    super();
    this.closedWhat = 'epoll object';
    this.#ep = new Epoll();
  }

  /** The epoll descriptor. */
  fileno(): number {
    return this.#ep.fileno();
  }

  #mask(events: number): number {
    return (events & EVENT_READ ? EPOLLIN : 0) | (events & EVENT_WRITE ? EPOLLOUT : 0);
  }
  protected override added(key: SelectorKey): void {
    this.#ep.register(key.fd, this.#mask(key.events));
  }
  protected override removed(key: SelectorKey): void {
    try {
      this.#ep.unregister(key.fd);
    } catch { /* as Python: the descriptor may have been closed since */ }
  }
  protected override changed(key: SelectorKey, events: number): void {
    this.#ep.modify(key.fd, this.#mask(events));
  }

  #seconds(timeout: number | null | undefined): number | null {
    const ms = msTimeout(timeout);
    return ms === null ? -1 : ms / 1e3;
  }

  #result(list: Array<[number, number]>): SelectResult {
    const out: SelectResult = [];
    for (const [fd, ev] of list) this.collect(fd, toEvents(ev, EPOLLIN, EPOLLOUT), out);
    return out;
  }

  select(timeout?: number | null): SelectResult {
    this.checkOpen();
    try {
      return this.#result(this.#ep.poll(this.#seconds(timeout), Math.max(this._fdToKey.size, 1)));
    } catch (e) {
      if (isEintr(e)) return [];
      throw e;
    }
  }

  protected async selectAsync(timeout: number | null | undefined, signal: AbortSignal | undefined): Promise<SelectResult> {
    return this.#result(await this.#ep.async.poll(this.#seconds(timeout), Math.max(this._fdToKey.size, 1),
      signal === undefined ? {} : { signal }));
  }

  override close(): void {
    this.#ep.close();
    super.close();
  }
}

/** Python's `KqueueSelector` (macOS, the BSDs): kevent(2); `fileno()` is the kqueue descriptor. */
export class KqueueSelector extends BaseSelector {
  #kq: Kqueue;
  #max = 0;

  constructor() {
    super();
    this.closedWhat = 'kqueue object';
    this.#kq = new Kqueue();
  }

  fileno(): number {
    return this.#kq.fileno();
  }

  #apply(fd: number, events: number, flags: number): void {
    const changes: kevent[] = [];
    if (events & EVENT_READ) changes.push(new kevent(fd, K['KQ_FILTER_READ'], flags));
    if (events & EVENT_WRITE) changes.push(new kevent(fd, K['KQ_FILTER_WRITE'], flags));
    this.#kq.control(changes, 0, 0);
  }
  protected override added(key: SelectorKey): void {
    this.#apply(key.fd, key.events, K['KQ_EV_ADD']!);
    if (key.events & EVENT_READ) this.#max++;
    if (key.events & EVENT_WRITE) this.#max++;
  }
  protected override removed(key: SelectorKey): void {
    if (key.events & EVENT_READ) this.#max--;
    if (key.events & EVENT_WRITE) this.#max--;
    for (const bit of [EVENT_READ, EVENT_WRITE]) {
      if (!(key.events & bit)) continue;
      try {
        this.#apply(key.fd, bit, K['KQ_EV_DELETE']!);
      } catch { /* as Python: the descriptor may have been closed since */ }
    }
  }
  protected override changed(key: SelectorKey, events: number): void {
    this.removed(key);
    this.added(new SelectorKey(key.fileobj, key.fd, events, key.data));
  }

  #result(list: kevent[]): SelectResult {
    const byFd = new Map<number, number>();
    for (const ev of list) {
      const bit = ev.filter === K['KQ_FILTER_READ'] ? EVENT_READ : ev.filter === K['KQ_FILTER_WRITE'] ? EVENT_WRITE : 0;
      byFd.set(ev.ident, (byFd.get(ev.ident) ?? 0) | bit);
    }
    const out: SelectResult = [];
    for (const [fd, events] of byFd) this.collect(fd, events, out);
    return out;
  }

  select(timeout?: number | null): SelectResult {
    this.checkOpen();
    const t = timeout === undefined || timeout === null ? null : Math.max(timeout, 0);
    try {
      return this.#result(this.#kq.control(null, Math.max(this.#max, 1), t));
    } catch (e) {
      if (isEintr(e)) return [];
      throw e;
    }
  }

  protected async selectAsync(timeout: number | null | undefined, signal: AbortSignal | undefined): Promise<SelectResult> {
    // The kqueue descriptor is itself readable when events are pending: wait for it, then collect.
    const probe = new SelectSelector();
    try {
      probe.register(this.#kq.fileno(), EVENT_READ);
      const ready = await probe.async.select(timeout, signal === undefined ? {} : { signal });
      return ready.length === 0 ? [] : this.select(0);
    } finally {
      probe.close();
    }
  }

  override close(): void {
    this.#kq.close();
    super.close();
  }
}

/** The best selector of this platform: EpollSelector on Linux, KqueueSelector on macOS and the BSDs, else PollSelector. */
export const DefaultSelector: new () => BaseSelector = hasEpoll ? EpollSelector : hasKqueue ? KqueueSelector : PollSelector;
export type DefaultSelector = BaseSelector;
