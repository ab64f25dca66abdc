/**
 * The readiness half of the Promise twins (DESIGN §3): one libuv `uv_poll_t`
 * per socket on this environment's loop (native/reactor.c), or one epoll
 * registration on the environment's poller thread where the runtime has no
 * libuv (native/poller.c; see `POLLER`), read and write waiter queues, and
 * the rules that keep the watcher cheap:
 *
 * - A watcher is opened lazily, the first time a twin has to wait, and stays
 *   armed while waiters come and go: re-arming costs libuv two `epoll_ctl`s,
 *   the price asyncio pays per message. A direction is disarmed lazily, when
 *   an event arrives that no waiter wants (level-triggered polling would
 *   otherwise report it again every loop turn), or at once when a waiter is
 *   withdrawn (abort, timeout).
 * - Watchers never keep the process alive; one reference on the reactor is
 *   held while any waiter is pending anywhere in this environment.
 * - Readiness is a hint: a woken waiter retries its system call and waits
 *   again on EAGAIN, so spurious wake-ups cost one failed call.
 * - Closing the socket stops the watcher first, rejects every waiter, and
 *   only then lets the descriptor close (through `sock[kOnClose]`).
 */
import { native } from '../native.js';
import { errnoError } from '../errors.js';
import { onDescriptorClosing } from '../internal.js';
import { constants as osConstants } from 'node:os';

/** libuv's UV_READABLE / UV_WRITABLE. */
export const READABLE = 1;
export const WRITABLE = 2;

const EEXIST = osConstants.errno.EEXIST;

interface ReactorBinding {
  open(fd: number): number;
  arm(slot: number, events: number): number;
  close(slot: number): number;
  ref(on: boolean): void;
  state(slot: number): number;
  stats(): [number, number, number, number, number];
  /** Poller thread only: watches again the watchers whose reports dispatch held. */
  resume(): void;
}

interface ReactorNative {
  reactor_init(dispatch: (count: number, slot?: number, events?: number) => number | undefined, queue: Int32Array,
    control: Int32Array, thread: boolean): ReactorBinding;
}

/** How a readiness path is waited for: libuv's `uv_poll_t`, or the poller thread. */
export type PollerKind = 'uv' | 'thread';

/**
 * The readiness path of this process, chosen at load. Bun's Node-API aborts
 * the process on any libuv call and Deno's never runs a `uv_poll_t`, so under
 * either the reactor waits on its poller thread (epoll, waking JS through a
 * `napi_threadsafe_function`). The runtime is read here rather than probed in
 * C: both runtimes export the uv_* symbols (Bun as stubs that abort), so C
 * cannot tell a working libuv from a stub without calling it.
 * `BSD_SOCKET_POLLER=thread` forces the poller thread under Node too (the
 * test suite runs the async files both ways); any other value means automatic.
 */
export const POLLER: PollerKind = choosePoller();
const THREAD = POLLER === 'thread';

function choosePoller(): PollerKind {
  if (process.env['BSD_SOCKET_POLLER'] === 'thread') return 'thread';
  const versions: Readonly<Record<string, string | undefined>> = process.versions;
  return versions['bun'] !== undefined || versions['deno'] !== undefined ? 'thread' : 'uv';
}

/** Something waiting for readiness: retried on each wake-up of its direction. */
export interface Waiter {
  /** Retries the operation; true once it has settled (it then leaves the queue). */
  ready(): boolean;
  /**
   * Rejects: with `err`, or with EBADF naming the waiter's own call when `err`
   * is null (the socket closed while waiting; the descriptor is still open here).
   */
  fail(err: Error | null): void;
}

// Pairs (slot, events) written by the native poll callbacks; 1024 pairs is
// libuv's own batch of epoll events per turn.
const queue = new Int32Array(2048);
/**
 * Shared with native/reactor.c: [0] whether a twin is pending (the loop
 * reference wanted), [1] non-zero while the reactor flushes (it writes 1 when
 * a flush starts, dispatch 2 once it has seen it, the reactor 0 at the end).
 * During a flush the reference follows [0] when the flush ends; elsewhere
 * ref() is called.
 */
const control = new Int32Array(2);
let binding: ReactorBinding | null = null;
const bySlot: Array<Watcher | undefined> = [];
const byFd = new Map<number, Watcher>();
let pending = 0;
/** Calls of dispatch() so far: loop turns that reported readiness. */
let turn = 0;

function reactor(): ReactorBinding {
  return (binding ??= (native as unknown as ReactorNative).reactor_init(dispatch, queue, control, POLLER === 'thread'));
}

/**
 * Readiness reports of one loop turn (or one readiness round): `count` pairs
 * (slot, events) in `queue`, or, when there is just one, the pair itself as
 * the two other arguments. `count` 0 asks for a guess instead (speculate):
 * the only call whose result the reactor reads.
 */
function dispatch(count: number, slot?: number, events?: number): number | undefined {
  if (control[1] === 1) {
    // The first call of a flush (a loop turn): a new budget for chained guesses.
    control[1] = 2;
    if (!THREAD) chainLeft = CHAIN_MAX;
  }
  if (count === 0) return chainLeft > 0 ? guess() : YIELD;
  if (THREAD) return deliver(count, slot, events);
  turn++;
  if (slot !== undefined) {
    fireSlot(slot, events!);
    return undefined;
  }
  for (let i = 0; i < count; i++) fireSlot(queue[2 * i]!, queue[2 * i + 1]!);
  return undefined;
}

/**
 * The poller thread's reports. A delivery is no loop turn: a runtime may run
 * deliveries back to back before its timers (Bun does), so with the poller
 * thread the budget of hops (reports and guesses) is refilled by a timer,
 * once the loop has had its turn. Reports that find the budget
 * spent are held until then, and the reactor leaves their watchers quiet
 * (HELD) until resume(), so the thread cannot flood the loop meanwhile.
 */
function deliver(count: number, slot?: number, events?: number): number | undefined {
  if (slot !== undefined) held.push(slot, events!);
  else for (let i = 0; i < 2 * count; i++) held.push(queue[i]!);
  if (chainLeft <= 0) {
    refillLater();
    return HELD;
  }
  fireHeld();
  return undefined;
}

/** Reports waiting for the next loop turn (poller thread only): pairs slot, events. */
const held: number[] = [];
/** What dispatch answers for reports it holds: their watchers stay quiet until resume() (native/reactor.c). */
const HELD = -3;
let refillQueued = false;

function fireHeld(): void {
  chainLeft--;
  turn++;
  for (let i = 0; i < held.length; i += 2) fireSlot(held[i]!, held[i + 1]!);
  held.length = 0;
  // The poller thread's deliveries run inside the runtime's callback scope,
  // where the woken continuations have not run yet: the reactor makes no
  // rounds there, and the first guess waits for them in a microtask.
  if (!chainQueued && chainLeft > 0) {
    chainQueued = true;
    void SETTLED.then(chainedGuess);
  }
}

function refillLater(): void {
  if (refillQueued) return;
  refillQueued = true;
  // A timer, not an immediate: Bun runs an immediate before the timers that
  // are due, so only a timer's turn proves the others have had theirs.
  setTimeout(refill, 0);
}

function refill(): void {
  refillQueued = false;
  chainLeft = CHAIN_MAX;
  if (held.length > 0) fireHeld();
  reactor().resume();
}

/**
 * Watchers with a read waiting, each knowing its index here (swap-removal
 * keeps entering and leaving O(1) for a server with thousands of them).
 */
const reading: Watcher[] = [];
/** Guesses are made only among this few readers (the reactor's own limit on rounds). */
const GUESS_READERS_MAX = 8;

/**
 * Guesses per loop turn, chained in microtasks or asked for by the reactor's
 * rounds: at most this many hops run before timers and other I/O get their
 * turn (~5 ms of a ping-pong here).
 */
const CHAIN_MAX = 1024;
/** What a guess asked for past the budget answers: the reactor ends its rounds (native/reactor.c). */
const YIELD = -2;
let chainLeft = THREAD ? CHAIN_MAX : 0;
const SETTLED = Promise.resolve();
let chainQueued = false;

/** A guess; when it settles a read, the next guess is queued behind the continuations it woke. */
function guess(): number {
  chainLeft--;
  const got = speculate();
  if (got > 0 && !chainQueued && chainLeft > 0) {
    chainQueued = true;
    // A reaction on a settled Promise is a bare microtask: Node's
    // queueMicrotask adds an AsyncResource and a bound wrapper (~1,000
    // instructions) per call.
    void SETTLED.then(chainedGuess);
  }
  return got;
}

function chainedGuess(): void {
  chainQueued = false;
  if (chainLeft <= 0) {
    if (THREAD) refillLater();
    return;
  }
  const got = guess();
  if (got < 0) return;
  chained[got > 0 ? 0 : 1]++;
}

/** Chained guesses (counted here; the reactor counts its own): [found ready, found nothing]. */
const chained: [number, number] = [0, 0];

/**
 * A readiness round's guess (native/reactor.c, flush): after a dispatch or
 * a guess, when exactly one socket has a read waiting besides those whose
 * reads were just woken, it is the likely one to have become readable: in a
 * ping-pong between two sockets of this loop, the one whose peer just sent
 * (the socket just woken has consumed its data; its next read waits for an
 * answer). Its reads are retried at once, instead of a poll(2) that would
 * only say so. Returns how many waiters settled, or -1 when there is no
 * single candidate (the reactor then polls).
 */
function speculate(): number {
  const n = reading.length;
  if (n === 0 || n > GUESS_READERS_MAX) return -1;
  let candidate: Watcher | undefined;
  for (let i = 0; i < n; i++) {
    const w = reading[i]!;
    if (w.wokenAt === turn) continue;
    if (candidate !== undefined) return -1;
    candidate = w;
  }
  if (candidate === undefined) return -1;
  turn++;
  try {
    return candidate.retryReads();
  } catch (e) {
    queueMicrotask(() => { throw e; });
    return 0;
  }
}

function fireSlot(slot: number, events: number): void {
  const w = bySlot[slot];
  if (w === undefined) return; // closed since the event was queued
  try {
    w.fire(events);
  } catch (e) {
    // A waiter's own failure is its Promise's business; anything reaching
    // here is a bug, reported without stopping the other sockets' events.
    queueMicrotask(() => { throw e; });
  }
}

function addPending(n: number): void {
  const before = pending;
  pending += n;
  if ((before === 0) === (pending === 0)) return;
  const on = pending > 0;
  control[0] = on ? 1 : 0;
  // In a flush, a ping-pong's count touches 0 at every hop: the reactor
  // applies the last value when the flush ends.
  if (control[1] === 0) reactor().ref(on);
}

/** One socket's watcher: the uv_poll_t slot and its two waiter queues. */
export class Watcher {
  readonly slot: number;
  readonly fd: number;
  #armed = 0;
  /** Directions known to block: a call got EAGAIN (or a short stream read) and no event came since. */
  #blocked = 0;
  #closed = false;
  /** The last read that tried first got EAGAIN: reads after a send are predicted to block too. */
  #readPredict = false;
  /** A send completed since the last read did (the request/response signature). */
  #sentSinceRead = false;
  /** The turn in which a read skipped its try on the prediction alone (-1: none pending). */
  #predictedAt = -1;
  #readers: Waiter[] = [];
  #writers: Waiter[] = [];
  /** Where this watcher is in `reading` (-1: no read waiting). */
  #readingIndex = -1;
  /** The last turn (dispatch or guess) in which this socket's waiting reads were retried. */
  wokenAt = -1;
  /** Whether the watcher's socket is gone (for evicting stale watchers). */
  readonly #alive: () => boolean;

  constructor(slot: number, fd: number, alive: () => boolean) {
    this.slot = slot;
    this.fd = fd;
    this.#alive = alive;
  }

  /** Queues `w` for `events` (READABLE or WRITABLE), arming the direction if needed. */
  add(w: Waiter, events: number): void {
    if (this.#closed) {
      w.fail(null);
      return;
    }
    if (events === READABLE) {
      if (this.#readers.length === 0) this.#startReading();
      this.#readers.push(w);
    } else {
      this.#writers.push(w);
    }
    addPending(1);
    if ((this.#armed & events) === 0) this.#arm(this.#armed | events);
  }

  /**
   * Whether a new call in `dir` should queue without trying: others wait
   * already (first come, first served: no bytes overtake a queued sendall), or
   * the direction is known to block and armed, so its readiness cannot be
   * missed (level-triggered).
   */
  shouldWait(dir: number): boolean {
    if (this.#closed) return false;
    if ((dir === READABLE ? this.#readers : this.#writers).length > 0) return true;
    if ((this.#armed & dir) === 0) return false;
    if ((this.#blocked & dir) !== 0) return true;
    // A read right after a send, when the last read that tried first found
    // nothing: in a request/response exchange the answer is not there yet,
    // and the armed, level-triggered watcher reports it if it is.
    if (dir === READABLE && this.#readPredict && this.#sentSinceRead) {
      this.#predictedAt = turn;
      return true;
    }
    return false;
  }

  /** Records the outcome of a call's first try in `dir` (it was made: shouldWait said no). */
  tried(dir: number, again: boolean): void {
    if (dir === READABLE) this.#readPredict = again;
  }

  /** Records that a call in `dir` completed (succeeded). */
  completed(dir: number): void {
    this.#sentSinceRead = dir === WRITABLE;
  }

  /** Records that a call in `dir` found nothing to do (EAGAIN, or a short read of a stream). */
  blocked(dir: number): void {
    this.#blocked |= dir;
  }

  /** Withdraws `w` (abort, timeout): the direction is disarmed if nobody else waits on it. */
  remove(w: Waiter): void {
    for (const [q, dir] of [[this.#readers, READABLE], [this.#writers, WRITABLE]] as const) {
      const i = q.indexOf(w);
      if (i < 0) continue;
      q.splice(i, 1);
      addPending(-1);
      if (dir === READABLE) this.#stopReadingIfIdle();
      if (q.length === 0 && !this.#closed) this.#arm(this.#armed & ~dir);
      return;
    }
  }

  #startReading(): void {
    this.#readingIndex = reading.length;
    reading.push(this);
  }

  /** Leaves `reading` once no read waits (called wherever the read queue may have emptied). */
  #stopReadingIfIdle(): void {
    if (this.#readers.length > 0 || this.#readingIndex < 0) return;
    const last = reading.pop()!;
    if (last !== this) {
      reading[this.#readingIndex] = last;
      last.#readingIndex = this.#readingIndex;
    }
    this.#readingIndex = -1;
  }

  /**
   * A guessed READABLE report (speculate): retries the waiting reads as a
   * report would, and returns how many settled. A guess that finds nothing
   * leaves the direction marked as blocked, as any EAGAIN does.
   */
  retryReads(): number {
    if (this.#readers.length === 0 || this.#closed) return 0;
    this.#blocked &= ~READABLE;
    const settled = this.#wakeReaders();
    if (settled > 0) this.#predictedAt = -1;
    return settled;
  }

  /** Handles one readiness report: libuv event bits, or a negative uv error (wakes everyone). */
  fire(events: number): void {
    if (events < 0) events = READABLE | WRITABLE;
    this.#blocked &= ~events;
    let idle = 0;
    if (events & READABLE) {
      if (this.#predictedAt >= 0) {
        // Ready in the very next turn: the data was probably there already,
        // so the next read tries first again.
        if (this.#predictedAt === turn - 1) this.#readPredict = false;
        this.#predictedAt = -1;
      }
      if (this.#readers.length === 0) idle |= READABLE;
      else this.#wakeReaders();
    }
    if (events & WRITABLE) {
      if (this.#writers.length === 0) idle |= WRITABLE;
      else this.#wake(this.#writers);
    }
    if (idle !== 0 && !this.#closed) this.#arm(this.#armed & ~idle);
  }

  /** Retries the queued reads (for a report or a guess); returns how many settled. */
  #wakeReaders(): number {
    const before = this.#readers.length;
    this.wokenAt = turn;
    this.#wake(this.#readers);
    this.#stopReadingIfIdle();
    return before - this.#readers.length;
  }

  #wake(q: Waiter[]): void {
    // FIFO; the first waiter that still gets EAGAIN stops the round: what is
    // left for the others will be reported again (level-triggered).
    while (q.length > 0 && !this.#closed) {
      const w = q[0]!;
      if (!w.ready()) return;
      if (q[0] === w) q.shift();
      else {
        const i = q.indexOf(w);
        if (i < 0) continue; // already withdrawn and counted
        q.splice(i, 1);
      }
      addPending(-1);
    }
  }

  #arm(events: number): void {
    const r = reactor().arm(this.slot, events);
    if (r < 0) {
      // libuv refused (e.g. the descriptor was closed behind our back):
      // nobody can be woken any more, so every waiter fails now.
      this.#failAll(errnoError(-r, POLLER === 'thread' ? 'epoll_ctl' : 'uv_poll_start'));
      return;
    }
    this.#armed = events;
    this.#blocked &= events; // a disarmed direction's state is unknown
  }

  #failAll(err: Error | null): void {
    const all = [...this.#readers, ...this.#writers];
    this.#readers = [];
    this.#writers = [];
    this.#stopReadingIfIdle();
    if (all.length > 0) addPending(-all.length);
    for (const w of all) w.fail(err);
  }

  /** Stops and closes the watcher, then rejects every waiter. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    reactor().close(this.slot);
    bySlot[this.slot] = undefined;
    if (byFd.get(this.fd) === this) byFd.delete(this.fd);
    this.#failAll(null);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Whether the socket this watcher served is still open on `fd`. */
  get alive(): boolean {
    return this.#alive();
  }

  /** Waiters queued now (read, write). */
  get waiters(): [number, number] {
    return [this.#readers.length, this.#writers.length];
  }

  /** The native view: armed mask (1 read, 2 write), 4 active in libuv, 8 referenced; -1 closed. */
  get nativeState(): number {
    return this.#closed ? -1 : reactor().state(this.slot);
  }
}

/**
 * Opens a watcher on `fd`. A watcher left on the same number by a socket that
 * is gone (collected before its finalizer ran) is evicted first; libuv allows
 * one watcher per descriptor per loop.
 * @throws {OSError} EEXIST when a live socket of this environment already watches `fd`
 */
export function openWatcher(fd: number, alive: () => boolean): Watcher {
  const r = reactor();
  let slot = r.open(fd);
  if (slot === -EEXIST) {
    const stale = byFd.get(fd);
    if (stale !== undefined && !stale.alive) {
      stale.close();
      slot = r.open(fd);
    }
  }
  if (slot < 0) throw errnoError(-slot, POLLER === 'thread' ? 'epoll_ctl' : 'uv_poll_init');
  const w = new Watcher(slot, fd, alive);
  bySlot[slot] = w;
  byFd.set(fd, w);
  return w;
}

// A descriptor closed by any path first loses its watcher, whose waiters get EBADF.
onDescriptorClosing((fd) => {
  const w = byFd.get(fd);
  if (w !== undefined) w.close();
});

/** Closes a watcher whose socket was garbage-collected (it had no waiters: they keep it alive). */
export const watcherFinalizer = new FinalizationRegistry<Watcher>((w) => w.close());

/** What reactorStats() reports (docs/async.md). */
export interface ReactorStats {
  /** The readiness path: libuv's `uv_poll_t` (`'uv'`) or the poller thread (`'thread'`). */
  poller: PollerKind;
  /** Twins pending in this environment. */
  pending: number;
  /** Watchers open. */
  watchers: number;
  /** Whether the reactor holds the event loop alive (exactly while twins are pending). */
  referenced: boolean;
  /** Readiness rounds that found a socket ready without a loop turn (native/reactor.c's, and guesses chained in microtasks). */
  rounds: number;
  /** Readiness rounds that found nothing (each cost one system call: a poll(2) or a guessed read). */
  idleRounds: number;
  /** Rounds that were guesses: one socket's reads retried at once instead of a poll(2), found ready or not. */
  guesses: number;
}

/** For tests and docs/async.md: the reactor's state and counters in this environment. */
export function reactorStats(): ReactorStats {
  if (binding === null) return { poller: POLLER, pending, watchers: 0, referenced: false, rounds: 0, idleRounds: 0, guesses: 0 };
  const [watchers, refd, rounds, idleRounds, guesses] = binding.stats();
  const [hit, miss] = chained;
  return {
    poller: POLLER, pending, watchers, referenced: refd === 1,
    rounds: rounds + hit, idleRounds: idleRounds + miss, guesses: guesses + hit + miss,
  };
}

