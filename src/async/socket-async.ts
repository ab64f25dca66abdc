/**
 * The `sock.async` view: Promise twins of every waiting method (DESIGN §3),
 * same names and arguments, plus an optional last `{ signal }` argument.
 *
 * Each twin first tries its system call without blocking — `MSG_DONTWAIT`
 * for recv/send and their variants, so the descriptor's mode stays what the
 * sync API expects; `O_NONBLOCK` for accept and connect, which have no such
 * flag (see docs/async.md) — and only on EAGAIN queues a waiter on the
 * socket's watcher (./reactor.ts). A twin never throws synchronously: bad
 * arguments reject with the sync method's error classes.
 */
import type { Socket } from '../socket.js';
import { adoptSocket, nbytesFor } from '../socket.js';
import { MSG_DONTWAIT, MSG_ERRQUEUE, SOCK_STREAM, SOL_SOCKET, SO_ERROR } from '../constants.js';
import { errnoError, fromFsError, timedOut } from '../errors.js';
import { type SockAddr, decodeScratch, encodeAddress, hostNeedingLookup } from '../address.js';
import { EAGAIN, EBADF, EINPROGRESS, EINTR, EWOULDBLOCK, POLLIN, POLLOUT, now } from '../deadline.js';
import { kFd, kOnClose, kScratch } from '../internal.js';
import { native } from '../native.js';
import { toBytes, toFlags, toSize, toWritableBytes, typeName } from '../validate.js';
import { READABLE, WRITABLE, type Waiter, type Watcher, openWatcher, watcherFinalizer } from './reactor.js';
import { lookupHost } from './lookup.js';
import {
  type RecvmsgArgs, type RecvmsgIntoArgs, type RecvmsgOp, type RecvmsgResult, type RecvmsgIntoResult,
  type SendmsgArgs, type SendmsgOp, attemptRecvmsg, attemptSendmsg, finishRecvmsg, finishRecvmsgInto,
  prepareRecvmsg, prepareRecvmsgInto, prepareSendmsg,
} from '../messages.js';
// The sendfile and batch twins (sendfile, sendmmsg, recvmmsg), defined after the class.
import { read as fsRead } from 'node:fs';
// A module binding, not the global: the hot paths allocate with it.
import { Buffer } from 'node:buffer';
import type { HostLookup } from '../address.js';
import { AF_INET } from '../constants.js';
import {
  type MmsgMessage, type RecvmmsgArgs, type RecvmmsgOp, type RecvmmsgResult, type SendfileArgs,
  type SendfileFile, type SendfileOp, type SendmmsgArgs, type SendmmsgOp, GiveupOnSendfile, sendBySendSetup,
  MAX_BATCH, MAX_SENDFILE_BLOCK, attemptRecvmmsg, attemptSendmmsg, finishRecvmmsg,
  mnative, prepareRecvmmsg, prepareSendfile, prepareSendmmsg, sendfileSize,
} from '../messages.js';
import { type AsyncOptions, AbortError, abortError, isOptions, signalOf } from './options.js';

export { AbortError, type AsyncOptions };

const AGAIN: unique symbol = Symbol('again');
/** What a twin that completed at once with no value returns: one settled Promise, shared (it cannot change). */
const RESOLVED: Promise<void> = Promise.resolve();
type Again = typeof AGAIN;

/**
 * recv(n) reads straight into a fresh Buffer only for small n (a slice of
 * Node's 8 KiB pool). A fresh `allocUnsafe(4096)` would be outside the pool
 * (an ArrayBuffer of its own, ~0.7 µs) and a 64-byte message would pin all of
 * it: mid-size reads go into the thread's slab (below), larger ones into a
 * scratch buffer whose bytes received are copied out.
 */
const RECV_DIRECT_LIMIT = 512;
/**
 * Reads up to this size (above RECV_DIRECT_LIMIT) go straight into a slab of
 * SLAB_SIZE bytes shared by every socket of the thread, at its first free
 * (8-aligned) offset, and the result is a slice of it: only the bytes received
 * are consumed, as Node's own pool does, and nothing is copied.
 */
const SLAB_READ_MAX = 4096;
const SLAB_SIZE = 16384;
let slab: Buffer | null = null;
let slabUsed = 0;
/** One scratch per thread for reads up to this size (attempts are synchronous, so sharing is safe). */
const SHARED_RX_SIZE = 65536;
let sharedRx: Buffer | null = null;
const ITER_CHUNK = 65536;

/** A copy of the first `r` bytes of the scratch `buf` (pooled when small). */
function copyOut(buf: Buffer, r: number): Buffer {
  const out = Buffer.allocUnsafe(r);
  buf.copy(out, 0, 0, r);
  return out;
}
const soError = new Int32Array(1);
const soErrorBytes = new Uint8Array(soError.buffer);

/**
 * Splits `(a, b, options)` where options may take the place of `b`:
 * returns b (undefined when it was the options) and the options.
 */
function trailing(caller: string, b: unknown, c: unknown, max: number, given: number): [unknown, unknown] {
  if (given > max + 1) throw new TypeError(`${caller}() takes at most ${max} arguments and an options object (${given} given)`);
  if (c === undefined && isOptions(b)) return [undefined, b];
  return [b, c];
}

function deadlineOf(sock: Socket): number {
  const t = sock.gettimeout();
  // A non-blocking socket (timeout 0) waits without limit: the event loop is
  // what makes it non-blocking here (asyncio's sock_* methods do the same).
  return t === null || t === 0 ? -1 : now() + t * 1000;
}

function onTimer(op: { timedOut(): void }): void {
  op.timedOut();
}

/**
 * Flags with which the caller asked not to wait: MSG_DONTWAIT itself, and
 * MSG_ERRQUEUE, whose queue poll(2) reports as POLLERR rather than readable.
 * Such a twin makes one attempt and rejects EAGAIN as BlockingIOError, as the
 * sync call does.
 */
const NO_WAIT_FLAGS = MSG_DONTWAIT | (MSG_ERRQUEUE ?? 0);

/** Adds MSG_DONTWAIT to a prepared op's flags; returns the caller's own flags (for noWaitIf). */
function dontWait(op: { flags: number }): number {
  const own = op.flags;
  op.flags = own | MSG_DONTWAIT;
  return own;
}

function wouldBlock(syscall: string): Promise<never> {
  return Promise.reject(errnoError(EAGAIN, syscall));
}

/** The Op whose Promise is being made (Op.#capture reads it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let capturing: Op<any> | null = null;

/**
 * One twin call in flight: `attempt()` makes the system call (AGAIN on
 * EAGAIN); the base class owns the Promise, the timer, the abort listener and
 * the place in the watcher's queue.
 */
abstract class Op<T> implements Waiter {
  /** The descriptor (reassigned only when a settled RecvOp is reused). */
  fd: number;
  readonly syscall: string;
  #resolve: ((v: T) => void) | undefined;
  #reject: ((e: unknown) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #watcher: Watcher | null = null;
  #events = 0;
  /** Set by attempt() when it succeeded but saw the direction drained (a short stream read). */
  protected drained = false;
  /** One attempt only (the caller's flags said not to wait): EAGAIN rejects. */
  #noWait = false;

  constructor(fd: number, syscall: string) {
    this.fd = fd;
    this.syscall = syscall;
  }

  /** The system call, retried across EINTR: a result, AGAIN, or a throw. */
  abstract attempt(): T | Again;

  /** Runs when the operation ends, whichever way (connect restores the mode). */
  protected done(): void { /* nothing by default */ }

  /** Runs once, right before the operation starts waiting. */
  protected willWait(): void { /* nothing by default */ }

  /** The value a timeout resolves with, or AGAIN to reject with TimeoutError. */
  protected timeoutValue(): T | Again {
    return AGAIN;
  }

  /** Makes the Op a single attempt when the caller's `flags` say not to wait (NO_WAIT_FLAGS). */
  noWaitIf(flags: number): this {
    this.#noWait = (flags & NO_WAIT_FLAGS) !== 0;
    return this;
  }

  /** Tries now; waits on `events` of the view's watcher only if the call would block. */
  run(view: SocketAsync, events: number, deadline: number, signal: AbortSignal | undefined): Promise<T> {
    const w0 = view.currentWatcher;
    let v: T | Again = AGAIN;
    let tried = false;
    if (this.#noWait || w0 === null || !w0.shouldWait(events)) {
      try {
        v = this.attempt();
      } catch (e) {
        this.done();
        return Promise.reject(e);
      }
      if (v !== AGAIN) {
        if (w0 !== null) {
          w0.tried(events, false);
          w0.completed(events);
          if (this.drained) w0.blocked(events);
        }
        this.done();
        return Promise.resolve(v);
      }
      if (this.#noWait) {
        this.done();
        return wouldBlock(this.syscall);
      }
      tried = true;
    }
    return this.wait(view, events, deadline, signal, tried);
  }

  /**
   * run() after its first step, taken by the caller: `tried` when the call was
   * made and got AGAIN, false when the watcher said to wait without trying.
   */
  wait(view: SocketAsync, events: number, deadline: number, signal: AbortSignal | undefined, tried: boolean): Promise<T> {
    this.#events = events;
    if (deadline >= 0 && deadline <= now()) {
      this.done();
      return Promise.reject(timedOut(this.syscall));
    }
    let w: Watcher;
    try {
      w = view.watcher(this.fd);
    } catch (e) {
      this.done();
      return Promise.reject(e);
    }
    if (tried) w.tried(events, true);
    this.willWait();
    capturing = this;
    const p = new Promise<T>(Op.#capture);
    capturing = null;
    // What an executor throwing would do: reject the Promise.
    try {
      this.#watcher = w;
      if (deadline >= 0) this.#timer = setTimeout(onTimer, Math.max(1, Math.ceil(deadline - now())), this);
      if (signal !== undefined) {
        this.#signal = signal;
        this.#onAbort = () => this.#aborted();
        signal.addEventListener('abort', this.#onAbort, { once: true });
      }
      w.add(this, events);
      w.blocked(events);
    } catch (e) {
      this.#reject!(e);
    }
    return p;
  }

  /** The Promise executor, without a closure per call: stores the functions on `capturing`. */
  static #capture(resolve: (v: any) => void, reject: (e: unknown) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    const op = capturing!;
    op.#resolve = resolve;
    op.#reject = reject;
  }

  ready(): boolean {
    let v: T | Again;
    try {
      v = this.attempt();
    } catch (e) {
      this.#settle();
      this.#reject!(e);
      return true;
    }
    if (v === AGAIN) {
      this.#watcher?.blocked(this.#events);
      return false;
    }
    const w = this.#watcher;
    if (w !== null) {
      w.completed(this.#events);
      if (this.drained) w.blocked(this.#events);
    }
    this.#settle();
    this.#resolve!(v);
    return true;
  }

  fail(err: Error | null): void {
    this.#settle();
    this.#reject!(err ?? errnoError(EBADF, this.syscall));
  }

  timedOut(): void {
    this.#timer = undefined;
    this.#withdraw();
    const v = this.timeoutValue();
    this.#settle();
    if (v === AGAIN) this.#reject!(timedOut(this.syscall));
    else this.#resolve!(v);
  }

  #aborted(): void {
    this.#onAbort = undefined;
    const s = this.#signal!;
    this.#withdraw();
    this.#settle();
    this.#reject!(abortError(s));
  }

  #withdraw(): void {
    this.#watcher?.remove(this);
  }

  #settle(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#onAbort !== undefined) this.#signal!.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
    this.#watcher = null;
    this.done();
  }
}

/** A private, aligned copy of an encoded address (Buffer.alloc never hands out pool slices). */
function ownCopy(sa: Buffer, len: number): Buffer {
  const b = Buffer.alloc(128);
  sa.copy(b, 0, 0, len);
  return b;
}

/** Maps a negative result: AGAIN for EAGAIN, true to retry (EINTR), or throws. */
function failed(r: number, syscall: string): Again | true {
  const e = -r;
  if (e === EAGAIN || e === EWOULDBLOCK) return AGAIN;
  if (e === EINTR) return true;
  throw errnoError(e, syscall);
}

/** Set by recvAttempt when it succeeded with a short read of a stream. */
let recvDrained = false;

/**
 * One recv: into `buf` (copied out when `copy`), or into the slab when `buf`
 * is null. A result, AGAIN, or a throw; retried across EINTR.
 */
function recvAttempt(fd: number, buf: Buffer | null, n: number, flags: number, copy: boolean,
  stream: boolean): Buffer | Again {
  for (;;) {
    let r: number;
    if (buf === null) {
      let sl = slab;
      if (sl === null || SLAB_SIZE - slabUsed < n) {
        sl = slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
        slabUsed = 0;
      }
      const off = slabUsed;
      r = native.recv(fd, sl, off, n, flags);
      if (r >= 0) {
        // A short read of a stream emptied the receive queue (libuv's rule).
        recvDrained = stream && r < n;
        slabUsed = (off + r + 7) & ~7;
        return sl.subarray(off, off + r);
      }
    } else {
      r = native.recv(fd, buf, 0, n, flags);
      if (r >= 0) {
        recvDrained = stream && r < n;
        if (copy) return copyOut(buf, r);
        return r === buf.length ? buf : buf.subarray(0, r);
      }
    }
    if (failed(r, 'recv') === AGAIN) return AGAIN;
  }
}

/** The key of a view's spare RecvOp (a symbol: not part of the view's visible shape). */
const kRecvFree: unique symbol = Symbol('recvFree');

/**
 * A recv that waits. Each view keeps at most one settled RecvOp for reuse
 * (`[kRecvFree]`): a socket usually has at most one recv pending, so the wait
 * path allocates only its Promise. Several pending recvs each have their own
 * Op (the spare is taken by one of them), queued as any other waiter.
 */
class RecvOp extends Op<Buffer> {
  constructor(fd: number, public buf: Buffer | null, public n: number, public flags: number,
    public copy: boolean, public stream: boolean, readonly home: SocketAsync) {
    super(fd, 'recv');
  }
  /** Re-targets a settled Op (taken from `home[kRecvFree]`) for a new call. */
  reset(fd: number, buf: Buffer | null, n: number, flags: number, copy: boolean, stream: boolean): this {
    this.fd = fd;
    this.buf = buf;
    this.n = n;
    this.flags = flags;
    this.copy = copy;
    this.stream = stream;
    this.drained = false;
    return this;
  }
  protected override done(): void {
    // Settled: nothing refers to this Op any more (timer, listener and queue
    // place are gone); drop the buffer and offer it to the next wait.
    this.buf = null;
    this.home[kRecvFree] = this;
  }
  attempt(): Buffer | Again {
    const v = recvAttempt(this.fd, this.buf, this.n, this.flags, this.copy, this.stream);
    if (v !== AGAIN) this.drained = recvDrained;
    return v;
  }
}

class RecvIntoOp extends Op<number> {
  constructor(fd: number, readonly view: Uint8Array, readonly n: number, readonly flags: number,
    readonly stream: boolean) {
    super(fd, 'recv_into');
  }
  attempt(): number | Again {
    for (;;) {
      const r = native.recv(this.fd, this.view, 0, this.n, this.flags);
      if (r >= 0) {
        this.drained = this.stream && r < this.n;
        return r;
      }
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class RecvfromOp extends Op<[Buffer, SockAddr]> {
  constructor(fd: number, readonly buf: Buffer, readonly n: number, readonly flags: number,
    readonly copy: boolean, readonly scratch: Buffer) {
    super(fd, 'recvfrom');
  }
  attempt(): [Buffer, SockAddr] | Again {
    for (;;) {
      const r = native.recvfrom(this.fd, this.buf, 0, this.n, this.flags, this.scratch);
      if (r >= 0) {
        const data = this.copy ? copyOut(this.buf, r) : this.buf.subarray(0, r);
        return [data, decodeScratch(this.scratch)];
      }
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class RecvfromIntoOp extends Op<[number, SockAddr]> {
  constructor(fd: number, readonly view: Uint8Array, readonly n: number, readonly flags: number,
    readonly scratch: Buffer) {
    super(fd, 'recvfrom_into');
  }
  attempt(): [number, SockAddr] | Again {
    for (;;) {
      const r = native.recvfrom(this.fd, this.view, 0, this.n, this.flags, this.scratch);
      if (r >= 0) return [r, decodeScratch(this.scratch)];
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class SendOp extends Op<number> {
  constructor(fd: number, readonly bytes: Uint8Array, readonly flags: number) {
    super(fd, 'send');
  }
  attempt(): number | Again {
    for (;;) {
      const r = native.send(this.fd, this.bytes, 0, this.bytes.length, this.flags);
      if (r >= 0) return r;
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

/** Sends every byte from `off` on (the twin's first try may have sent some already). */
class SendallOp extends Op<void> {
  #off: number;
  constructor(fd: number, readonly bytes: Uint8Array, readonly flags: number, off = 0) {
    super(fd, 'sendall');
    this.#off = off;
  }
  attempt(): void | Again {
    const total = this.bytes.length;
    for (;;) {
      const r = native.send(this.fd, this.bytes, this.#off, total - this.#off, this.flags);
      if (r >= 0) {
        this.#off += r;
        if (this.#off >= total) return;
        continue;
      }
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class SendtoOp extends Op<number> {
  constructor(fd: number, readonly bytes: Uint8Array, readonly flags: number, public sa: Buffer,
    readonly salen: number) {
    super(fd, 'sendto');
  }
  protected override willWait(): void {
    // The view's encoding buffer is reused by the next call: keep a copy.
    this.sa = ownCopy(this.sa, this.salen);
  }
  attempt(): number | Again {
    for (;;) {
      const r = native.sendto(this.fd, this.bytes, 0, this.bytes.length, this.flags, this.sa, this.salen);
      if (r >= 0) return r;
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class AcceptOp extends Op<[Socket, SockAddr]> {
  constructor(fd: number, readonly sock: Socket, readonly scratch: Buffer) {
    super(fd, 'accept');
  }
  attempt(): [Socket, SockAddr] | Again {
    for (;;) {
      const r = native.accept(this.fd, this.scratch);
      if (r >= 0) {
        const s = this.sock;
        return [adoptSocket(r, s.family, s.type, s.proto), decodeScratch(this.scratch)];
      }
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class SendmsgTwinOp extends Op<number> {
  constructor(fd: number, readonly op: SendmsgOp) {
    super(fd, 'sendmsg');
  }
  attempt(): number | Again {
    for (;;) {
      const r = attemptSendmsg(this.fd, this.op);
      if (r >= 0) return r;
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class RecvmsgTwinOp<R> extends Op<R> {
  constructor(fd: number, readonly op: RecvmsgOp, readonly finish: (op: RecvmsgOp, r: number) => R, syscall: string) {
    super(fd, syscall);
  }
  attempt(): R | Again {
    for (;;) {
      const r = attemptRecvmsg(this.fd, this.op);
      if (r >= 0) return this.finish(this.op, r);
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

/** Splits a trailing options object off `args` (it is never an array, buffer or address string). */
function splitArgs<A extends unknown[]>(args: unknown[]): [A, unknown] {
  const last = args[args.length - 1];
  return isOptions(last) ? [args.slice(0, -1) as A, last] : [args as A, undefined];
}

/** connect: the call, then (EINPROGRESS) writability and SO_ERROR. Resolves 0 or, for connect_ex, the errno. */
class ConnectOp extends Op<number> {
  #started = false;
  constructor(fd: number, readonly sock: Socket, readonly sa: Buffer, readonly salen: number,
    readonly ex: boolean, readonly address: unknown, readonly restoreBlocking: boolean) {
    super(fd, ex ? 'connect_ex' : 'connect');
  }
  attempt(): number | Again {
    let e: number;
    if (!this.#started) {
      this.#started = true;
      const r = native.connect(this.fd, this.sa, this.salen);
      if (r === 0) return 0;
      e = -r;
      if (e === EINPROGRESS || e === EINTR) return AGAIN;
    } else {
      // Readiness is a hint: make sure the connection attempt has finished.
      const p = native.poll(this.fd, POLLOUT, 0);
      if (p === 0 || p === -EINTR) return AGAIN;
      if (p < 0) e = -p;
      else {
        soError[0] = 0;
        const r = native.getsockopt(this.fd, SOL_SOCKET, SO_ERROR, soErrorBytes);
        e = r < 0 ? -r : soError[0]!;
      }
      if (e === 0) return 0;
    }
    if (this.ex) return e;
    throw errnoError(e, 'connect', this.address);
  }
  protected override timeoutValue(): number | Again {
    return this.ex ? EWOULDBLOCK : AGAIN;
  }
  protected override done(): void {
    // A blocking-mode socket was made non-blocking for the call only.
    if (this.restoreBlocking && this.sock.fileno() === this.fd && this.sock.gettimeout() === null) {
      native.set_nonblocking(this.fd, false);
    }
  }
}

/**
 * The Promise twins of one socket (`sock.async`). Every method returns a
 * Promise and never blocks the thread; see docs/async.md for the contract
 * (timeouts, cancellation, close semantics).
 */
export class SocketAsync implements AsyncIterable<Buffer> {
  readonly #sock: Socket;
  #watcher: Watcher | null = null;
  #rxBuf: Buffer | null = null;
  #sa: Buffer | null = null;
  /** @internal A settled recv Op kept for the next recv that waits (see RecvOp). */
  [kRecvFree]: RecvOp | null = null;

  constructor(sock: Socket) {
    this.#sock = sock;
  }

  /** The socket this view belongs to. */
  get socket(): Socket {
    return this.#sock;
  }

  /** @internal The socket's watcher, opened on first need; closed with the socket. */
  watcher(fd: number): Watcher {
    const w0 = this.#watcher;
    if (w0 !== null && !w0.isClosed && w0.fd === fd) return w0;
    const sock = this.#sock;
    const ref = new WeakRef(sock);
    const w = openWatcher(fd, () => ref.deref()?.fileno() === fd);
    this.#watcher = w;
    watcherFinalizer.register(sock, w, w);
    sock[kOnClose](() => {
      watcherFinalizer.unregister(w);
      w.close();
    });
    return w;
  }

  /** @internal The watcher if one was opened (diagnostics). */
  get currentWatcher(): Watcher | null {
    return this.#watcher;
  }

  #rx(n: number): [Buffer, boolean] {
    if (n <= RECV_DIRECT_LIMIT) return [Buffer.allocUnsafe(n), false];
    if (n <= SHARED_RX_SIZE) return [(sharedRx ??= Buffer.allocUnsafeSlow(SHARED_RX_SIZE)), true];
    if (this.#rxBuf === null || this.#rxBuf.length < n) this.#rxBuf = Buffer.allocUnsafeSlow(n);
    return [this.#rxBuf, true];
  }

  /** Encodes `address` into this view's own sockaddr buffer (never the sync API's cached one). */
  #encode(caller: string, address: unknown, packed: Uint8Array | null): [Buffer, number] {
    const s = this.#sock;
    const out = (this.#sa ??= Buffer.alloc(128));
    const lookup = packed === null ? undefined : (): Uint8Array => packed;
    const len = encodeAddress(caller, s.family, address, out, s.type, s.proto, lookup);
    return [out, len];
  }

  /**
   * Accepts a connection: `[conn, address]`. The new socket takes the default
   * timeout, as the sync accept.
   * @syscall accept4(2) SOCK_CLOEXEC on an O_NONBLOCK descriptor — waits readable via the socket's uv_poll watcher
   * @throws (rejects) {TimeoutError} · {AbortError} · {OSError} EBADF (closed, also while waiting), EINVAL, EMFILE
   */
  accept(options?: AsyncOptions): Promise<[Socket, SockAddr]> {
    try {
      if (arguments.length > 1) throw new TypeError(`accept() takes no arguments besides options (${arguments.length} given)`);
      const signal = signalOf('accept', options);
      const sock = this.#sock;
      const fd = sock[kFd]('accept');
      // accept has no per-call non-blocking flag: a blocking-mode listener is
      // switched to O_NONBLOCK for good (its sync accept still blocks, by poll).
      if (sock.gettimeout() === null && native.get_nonblocking(fd) === 0) {
        const r = native.set_nonblocking(fd, true);
        if (r < 0) throw errnoError(-r, 'fcntl');
      }
      return new AcceptOp(fd, sock, sock[kScratch]()).run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Connects; host names are resolved off the thread first (libuv's thread pool).
   * @syscall connect(2) on an O_NONBLOCK descriptor, then SO_ERROR — waits writable via the socket's uv_poll watcher
   * @throws (rejects) {ConnectionRefusedError} · {TimeoutError} · {AbortError} · {gaierror} ·
   *   {OSError} EISCONN, ENETUNREACH, EBADF · {TypeError}/{RangeError} malformed address
   */
  connect(address: unknown, options?: AsyncOptions): Promise<void> {
    return this.#connect('connect', false, address, options, arguments.length).then(() => undefined);
  }

  /**
   * Like connect(), but resolves with the errno (0 on success; EWOULDBLOCK on
   * timeout) instead of rejecting for system-call failures.
   * @syscall connect(2) — waits writable via the socket's uv_poll watcher
   * @throws (rejects) {AbortError} · {gaierror} · {TypeError}/{RangeError} malformed address
   */
  connect_ex(address: unknown, options?: AsyncOptions): Promise<number> {
    return this.#connect('connect_ex', true, address, options, arguments.length);
  }

  #connect(caller: string, ex: boolean, address: unknown, options: unknown, given: number): Promise<number> {
    try {
      if (given > 2) throw new TypeError(`${caller}() takes exactly one argument and an options object (${given} given)`);
      if (given < 1) throw new TypeError(`${caller}() takes exactly one argument (0 given)`);
      const signal = signalOf(caller, options);
      const sock = this.#sock;
      // The address is checked (and looked up) before the descriptor, as in the sync
      // connect and CPython; #connectTo then raises EBADF, or resolves it for connect_ex.
      const host = hostNeedingLookup(sock.family, address);
      if (host === null) return this.#connectTo(caller, ex, address, null, signal);
      return lookupHost(caller, host, sock.family, signal)
        .then((packed) => this.#connectTo(caller, ex, address, packed, signal));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #connectTo(caller: string, ex: boolean, address: unknown, packed: Uint8Array | null,
    signal: AbortSignal | undefined): Promise<number> {
    try {
      if (signal?.aborted) throw abortError(signal);
      const sock = this.#sock;
      const [sa, len] = this.#encode(caller, address, packed);
      if (ex && sock.fileno() < 0) return Promise.resolve(EBADF);
      const fd = sock[kFd](caller);
      const blocking = sock.gettimeout() === null;
      if (blocking) {
        const r = native.set_nonblocking(fd, true);
        if (r < 0) throw errnoError(-r, 'fcntl');
      }
      const op = new ConnectOp(fd, sock, ownCopy(sa, len), len, ex, address, blocking);
      return op.run(this, WRITABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives up to `bufsize` bytes; an empty Buffer means the peer closed.
   * @syscall recv(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws (rejects) {TimeoutError} · {AbortError} · {ConnectionResetError} · {OSError} EBADF, ENOTCONN ·
   *   {RangeError} negative bufsize · {TypeError}
   */
  recv(bufsize: number, flags?: number | AsyncOptions, options?: AsyncOptions): Promise<Buffer> {
    try {
      const [fl0, opts] = trailing('recv', flags, options, 2, arguments.length);
      const n = toSize('recv', 'bufsize', bufsize, 'negative buffersize in recv');
      const fl = toFlags('recv', fl0);
      const signal = signalOf('recv', opts);
      // As the sync recv: nothing to read resolves at once, with no system call.
      if (n === 0) return Promise.resolve(Buffer.alloc(0));
      const sock = this.#sock;
      const fd = sock[kFd]('recv');
      const deadline = deadlineOf(sock);
      const dflags = fl | MSG_DONTWAIT;
      const stream = sock.type === SOCK_STREAM;
      // Small reads: a fresh (pooled) Buffer; mid-size: the slab (buf null);
      // large: a scratch, copied out.
      let buf: Buffer | null = null;
      let copy = false;
      if (n <= RECV_DIRECT_LIMIT) buf = Buffer.allocUnsafe(n);
      else if (n > SLAB_READ_MAX) {
        copy = true;
        buf = this.#rx(n)[0];
      }
      // Op.run's first step, inline: no Op when the call succeeds at once.
      const w0 = this.#watcher;
      let tried = false;
      const noWait = (fl & NO_WAIT_FLAGS) !== 0;
      if (noWait || w0 === null || !w0.shouldWait(READABLE)) {
        const v = recvAttempt(fd, buf, n, dflags, copy, stream);
        if (v !== AGAIN) {
          if (w0 !== null) {
            w0.tried(READABLE, false);
            w0.completed(READABLE);
            if (recvDrained) w0.blocked(READABLE);
          }
          return Promise.resolve(v);
        }
        if (noWait) return wouldBlock('recv');
        tried = true;
      }
      const spare = this[kRecvFree];
      let op: RecvOp;
      if (spare !== null) {
        this[kRecvFree] = null;
        op = spare.reset(fd, buf, n, dflags, copy, stream);
      } else op = new RecvOp(fd, buf, n, dflags, copy, stream, this);
      return op.wait(this, READABLE, deadline, signal, tried);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives into `buffer` (at most `nbytes`, default its length); resolves with the count.
   * @syscall recv(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws (rejects) {TimeoutError} · {AbortError} · {OSError} · {RangeError} nbytes beyond the buffer ·
   *   {TypeError} not a writable buffer
   */
  recv_into(buffer: ArrayBufferView | ArrayBuffer, nbytes?: number | AsyncOptions, flags?: number | AsyncOptions,
    options?: AsyncOptions): Promise<number> {
    try {
      const [nb, fl0, opts] = trailing3('recv_into', nbytes, flags, options, arguments.length);
      const view = toWritableBytes('recv_into', buffer);
      const n = nbytesFor('recv_into', view, nb, 'buffer too small for requested bytes');
      const fl = toFlags('recv_into', fl0);
      const signal = signalOf('recv_into', opts);
      // As the sync recv_into: an empty buffer reads nothing, at once.
      if (n === 0) return Promise.resolve(0);
      const sock = this.#sock;
      const fd = sock[kFd]('recv_into');
      return new RecvIntoOp(fd, view, n, fl | MSG_DONTWAIT, sock.type === SOCK_STREAM).noWaitIf(fl).run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives up to `bufsize` bytes and the sender's address: `[data, address]`.
   * @syscall recvfrom(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws (rejects) {TimeoutError} · {AbortError} · {OSError} · {RangeError} negative bufsize
   */
  recvfrom(bufsize: number, flags?: number | AsyncOptions, options?: AsyncOptions): Promise<[Buffer, SockAddr]> {
    try {
      const [fl0, opts] = trailing('recvfrom', flags, options, 2, arguments.length);
      const n = toSize('recvfrom', 'bufsize', bufsize, 'negative buffersize in recvfrom');
      const fl = toFlags('recvfrom', fl0);
      const signal = signalOf('recvfrom', opts);
      const sock = this.#sock;
      const fd = sock[kFd]('recvfrom');
      const [buf, copy] = this.#rx(Math.max(n, 1));
      return new RecvfromOp(fd, buf, n, fl | MSG_DONTWAIT, copy, sock[kScratch]()).noWaitIf(fl)
        .run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives into `buffer`: `[nbytes, address]`.
   * @syscall recvfrom(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws (rejects) {TimeoutError} · {AbortError} · {OSError} · {RangeError} nbytes beyond the buffer
   */
  recvfrom_into(buffer: ArrayBufferView | ArrayBuffer, nbytes?: number | AsyncOptions,
    flags?: number | AsyncOptions, options?: AsyncOptions): Promise<[number, SockAddr]> {
    try {
      const [nb, fl0, opts] = trailing3('recvfrom_into', nbytes, flags, options, arguments.length);
      const view = toWritableBytes('recvfrom_into', buffer);
      const n = nbytesFor('recvfrom_into', view, nb, 'nbytes is greater than the length of the buffer');
      const fl = toFlags('recvfrom_into', fl0);
      const signal = signalOf('recvfrom_into', opts);
      const sock = this.#sock;
      const fd = sock[kFd]('recvfrom_into');
      return new RecvfromIntoOp(fd, view, n, fl | MSG_DONTWAIT, sock[kScratch]()).noWaitIf(fl)
        .run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends bytes; resolves with how many were sent (possibly fewer than given).
   * @syscall send(2) MSG_DONTWAIT — waits writable via the socket's uv_poll watcher
   * @throws (rejects) {BrokenPipeError} · {ConnectionResetError} · {TimeoutError} · {AbortError} ·
   *   {OSError} · {TypeError} not bytes-like
   */
  send(data: ArrayBufferView | ArrayBuffer, flags?: number | AsyncOptions, options?: AsyncOptions): Promise<number> {
    try {
      const [fl0, opts] = trailing('send', flags, options, 2, arguments.length);
      const bytes = toBytes('send', data);
      const fl = toFlags('send', fl0);
      const signal = signalOf('send', opts);
      const sock = this.#sock;
      const fd = sock[kFd]('send');
      return new SendOp(fd, bytes, fl | MSG_DONTWAIT).noWaitIf(fl).run(this, WRITABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends every byte; the timeout bounds the whole call. On timeout or abort
   * some of the data may have been sent.
   * @syscall send(2) MSG_DONTWAIT, repeated — waits writable via the socket's uv_poll watcher
   * @throws (rejects) {TimeoutError} · {AbortError} · {BrokenPipeError} · {OSError} · {TypeError}
   */
  sendall(data: ArrayBufferView | ArrayBuffer, flags?: number | AsyncOptions, options?: AsyncOptions): Promise<void> {
    try {
      const [fl0, opts] = trailing('sendall', flags, options, 2, arguments.length);
      const bytes = toBytes('sendall', data);
      const fl = toFlags('sendall', fl0);
      const signal = signalOf('sendall', opts);
      const sock = this.#sock;
      const fd = sock[kFd]('sendall');
      const deadline = deadlineOf(sock);
      const dflags = fl | MSG_DONTWAIT;
      // Op.run's first step, inline: no Op when every byte goes out at once.
      const w0 = this.#watcher;
      let off = 0;
      let tried = false;
      const noWait = (fl & NO_WAIT_FLAGS) !== 0;
      if (noWait || w0 === null || !w0.shouldWait(WRITABLE)) {
        const total = bytes.length;
        for (;;) {
          const r = native.send(fd, bytes, off, total - off, dflags);
          if (r >= 0) {
            off += r;
            if (off < total) continue;
            if (w0 !== null) {
              w0.tried(WRITABLE, false);
              w0.completed(WRITABLE);
            }
            return RESOLVED;
          }
          if (failed(r, 'sendall') === AGAIN) break;
        }
        if (noWait) return wouldBlock('sendall');
        tried = true;
      }
      return new SendallOp(fd, bytes, dflags, off).wait(this, WRITABLE, deadline, signal, tried);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends a datagram: `sendto(data, address)` or `sendto(data, flags, address)`,
   * then optionally the options object. Host names resolve off the thread.
   * @syscall sendto(2) MSG_DONTWAIT — waits writable via the socket's uv_poll watcher
   * @throws (rejects) {OSError} EMSGSIZE, EACCES, EISCONN · {TimeoutError} · {AbortError} ·
   *   {gaierror} · {TypeError} wrong arguments
   */
  sendto(data: ArrayBufferView | ArrayBuffer, flagsOrAddress: unknown, address?: unknown,
    options?: AsyncOptions): Promise<number> {
    try {
      let n = arguments.length;
      let opts: unknown;
      if (n >= 3 && isOptions(arguments[n - 1])) {
        opts = arguments[n - 1];
        n--;
      }
      let fl = 0;
      let addr: unknown = flagsOrAddress;
      if (n === 3) {
        fl = toFlags('sendto', flagsOrAddress);
        addr = address;
      } else if (n !== 2) {
        throw new TypeError(`sendto() takes 2 or 3 arguments and an options object (${arguments.length} given)`);
      }
      const bytes = toBytes('sendto', data);
      if (addr === null || addr === undefined) {
        throw new TypeError(`sendto(): address must be given, not ${typeName(addr)}`);
      }
      const signal = signalOf('sendto', opts);
      const sock = this.#sock;
      // The address before the descriptor, as the sync sendto and CPython.
      const host = hostNeedingLookup(sock.family, addr);
      if (host === null) return this.#sendto(bytes, fl, addr, null, signal);
      return lookupHost('sendto', host, sock.family, signal)
        .then((packed) => this.#sendto(bytes, fl, addr, packed, signal));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #sendto(bytes: Uint8Array, fl: number, addr: unknown, packed: Uint8Array | null,
    signal: AbortSignal | undefined): Promise<number> {
    try {
      if (signal?.aborted) throw abortError(signal);
      const sock = this.#sock;
      const [sa, len] = this.#encode('sendto', addr, packed);
      const fd = sock[kFd]('sendto');
      return new SendtoOp(fd, bytes, fl | MSG_DONTWAIT, sa, len).noWaitIf(fl).run(this, WRITABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends gathered buffers with ancillary data: `sendmsg(buffers[, ancdata[, flags[, address]]][, options])`.
   * Host names in `address` resolve off the thread.
   * @syscall sendmsg(2) MSG_DONTWAIT — waits writable via the socket's uv_poll watcher
   * @throws (rejects) the sync sendmsg's errors · {TimeoutError} · {AbortError}
   */
  sendmsg(...args: [...SendmsgArgs, AsyncOptions?] | [SendmsgArgs[0], AsyncOptions]
    | [SendmsgArgs[0], SendmsgArgs[1], AsyncOptions]): Promise<number> {
    try {
      const [a, opts] = splitArgs<SendmsgArgs>(args);
      const signal = signalOf('sendmsg', opts);
      const sock = this.#sock;
      // The arguments before the descriptor, as the sync sendmsg and CPython.
      const host = a[3] === undefined || a[3] === null ? null : hostNeedingLookup(sock.family, a[3]);
      const go = (packed: Uint8Array | null): Promise<number> => {
        try {
          if (signal?.aborted) throw abortError(signal);
          const op = prepareSendmsg(sock, a, packed === null ? undefined : (): Uint8Array => packed, true);
          const fd = sock[kFd]('sendmsg');
          const userFlags = dontWait(op);
          return new SendmsgTwinOp(fd, op).noWaitIf(userFlags).run(this, WRITABLE, deadlineOf(sock), signal);
        } catch (e) {
          return Promise.reject(e);
        }
      };
      if (host === null) return go(null);
      return lookupHost('sendmsg', host, sock.family, signal).then(go);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives data and ancillary data: `[data, ancdata, msg_flags, address]`.
   * @syscall recvmsg(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws (rejects) the sync recvmsg's errors · {TimeoutError} · {AbortError}
   */
  recvmsg(...args: [...RecvmsgArgs, AsyncOptions?] | [number, AsyncOptions]
    | [number, number | undefined, AsyncOptions]): Promise<RecvmsgResult> {
    try {
      const [a, opts] = splitArgs<RecvmsgArgs>(args);
      const signal = signalOf('recvmsg', opts);
      const sock = this.#sock;
      const fd = sock[kFd]('recvmsg');
      const op = prepareRecvmsg(sock, a);
      const userFlags = dontWait(op);
      return new RecvmsgTwinOp(fd, op, finishRecvmsg, 'recvmsg').noWaitIf(userFlags).run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives into buffers: `[nbytes, ancdata, msg_flags, address]`.
   * @syscall recvmsg(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws (rejects) the sync recvmsg_into's errors · {TimeoutError} · {AbortError}
   */
  recvmsg_into(...args: [...RecvmsgIntoArgs, AsyncOptions?] | [RecvmsgIntoArgs[0], AsyncOptions]
    | [RecvmsgIntoArgs[0], number | undefined, AsyncOptions]): Promise<RecvmsgIntoResult> {
    try {
      const [a, opts] = splitArgs<RecvmsgIntoArgs>(args);
      const signal = signalOf('recvmsg_into', opts);
      const sock = this.#sock;
      const fd = sock[kFd]('recvmsg_into');
      const op = prepareRecvmsgInto(sock, a);
      const userFlags = dontWait(op);
      return new RecvmsgTwinOp(fd, op, finishRecvmsgInto, 'recvmsg_into').noWaitIf(userFlags).run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** sendfile twins holding O_NONBLOCK on a blocking-mode descriptor; the last one out restores it. */
  #nbHolds = 0;
  #nbRestore = false;
  /** Hooks of pending twins that wait on something other than the watcher (sendfile's file reads). */
  #closers: Set<() => void> | null = null;

  /**
   * Sends a file: `sendfile(file[, offset[, count]][, options])`, resolving with
   * the bytes sent. Zero-copy sendfile(2) for regular files on an O_NONBLOCK
   * descriptor (a blocking-mode socket is made non-blocking for the call only);
   * anything else reads the file on libuv's thread pool and sends with
   * MSG_DONTWAIT. The timeout bounds the whole transfer; timeout 0 (non-blocking)
   * means no deadline, as for every twin (the sync method refuses it). On
   * timeout, abort or close, the file is left positioned after the last byte sent.
   * @syscall sendfile(2) on an O_NONBLOCK descriptor, or read(2)/pread(2) (thread pool) + send(2) MSG_DONTWAIT
   *   — waits writable via the socket's uv_poll watcher
   * @throws (rejects) the sync sendfile's errors (RangeError for a non-SOCK_STREAM socket, TypeError/RangeError
   *   bad offset or count, OSError EBADF) · {TimeoutError} · {AbortError} · {BrokenPipeError} · {OSError}
   */
  sendfile(file: SendfileFile, offset?: number | AsyncOptions, count?: number | null | AsyncOptions,
    options?: AsyncOptions): Promise<number> {
    try {
      const [off, cnt, opts] = trailing3('sendfile', offset, count, options, arguments.length);
      const signal = signalOf('sendfile', opts);
      const sock = this.#sock;
      const op = prepareSendfile(sock, (arguments.length === 0 ? [] : [file, off, cnt]) as SendfileArgs);
      const fd = sock[kFd]('sendfile');
      const deadline = deadlineOf(sock);
      let size: number;
      try {
        size = sendfileSize(op.fileFd);
      } catch (e) {
        if (e instanceof GiveupOnSendfile) return this.#sendfileBySend(op, deadline, signal);
        throw e;
      }
      if (size === 0) return Promise.resolve(0);
      this.#holdNonblocking(fd);
      const twin = new SendfileTwinOp(fd, op, size, () => this.#releaseNonblocking(fd));
      return twin.run(this, WRITABLE, deadline, signal).catch((e: unknown) => {
        // sendfile(2) refused this file before sending anything: read and send instead.
        if (e instanceof GiveupOnSendfile) return this.#sendfileBySend(op, deadline, signal);
        throw e;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #holdNonblocking(fd: number): void {
    if (this.#nbHolds++ > 0) return;
    this.#nbRestore = false;
    if (this.#sock.gettimeout() === null && native.get_nonblocking(fd) === 0) {
      const r = native.set_nonblocking(fd, true);
      if (r < 0) {
        this.#nbHolds--;
        throw errnoError(-r, 'fcntl');
      }
      this.#nbRestore = true;
    }
  }

  #releaseNonblocking(fd: number): void {
    if (--this.#nbHolds > 0 || !this.#nbRestore) return;
    this.#nbRestore = false;
    const sock = this.#sock;
    if (sock.fileno() === fd && sock.gettimeout() === null) native.set_nonblocking(fd, false);
  }

  /** Python's `_sendfile_use_send`, as asyncio's sock_sendfile fallback: file reads on the thread pool. */
  async #sendfileBySend(op: SendfileOp, deadline: number, signal: AbortSignal | undefined): Promise<number> {
    const sock = this.#sock;
    const { seekable, buf } = sendBySendSetup(op);
    let total = 0;
    try {
      for (;;) {
        let want = buf.length;
        if (op.count !== null) want = Math.min(op.count - total, want);
        if (want <= 0) break;
        // A pipe, FIFO or socket as the file may have nothing to read for a long
        // time: a read blocked on the thread pool could not be given up, so wait first.
        if (!seekable) await this.#fileReadable(op.fileFd, deadline, signal);
        const n = await this.#readFile(op.fileFd, buf, want, seekable ? op.offset + total : null, deadline, signal);
        if (n === 0) break;
        if (signal?.aborted) throw abortError(signal);
        const chunk = new SendChunkOp(sock[kFd]('sendfile'), buf.subarray(0, n));
        try {
          await chunk.run(this, WRITABLE, deadline, signal);
        } finally {
          total += chunk.sent;
        }
      }
      return total;
    } finally {
      if (total > 0 && seekable) mnative.lseek(op.fileFd, op.offset + total, SEEK_SET);
    }
  }

  /**
   * Resolves when a non-seekable file is readable (or at EOF/hang-up), checking
   * with poll(2) and a timeout of 0 at growing intervals (1 to 50 ms): the file
   * may be a descriptor the reactor already watches (the peer socket), so no
   * second watcher is opened. Rejects at the deadline, on abort or on close.
   */
  #fileReadable(fileFd: number, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let delay = 1;
      const check = (): void => {
        if (signal?.aborted) return reject(abortError(signal));
        if (this.#sock.fileno() < 0) return reject(errnoError(EBADF, 'sendfile'));
        const r = native.poll(fileFd, POLLIN, 0);
        if (r > 0) return resolve();
        if (r < 0 && -r !== EINTR) return reject(errnoError(-r, 'poll'));
        const left = deadline >= 0 ? deadline - now() : Infinity;
        if (left <= 0) return reject(timedOut('sendfile'));
        setTimeout(check, Math.max(1, Math.min(delay, left)));
        delay = Math.min(delay * 2, 50);
      };
      check();
    });
  }

  /** One read of the file on the thread pool, given up on (not cancelled) at the deadline, abort or close. */
  #readFile(fileFd: number, buf: Buffer, want: number, position: number | null, deadline: number,
    signal: AbortSignal | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const sock = this.#sock;
      if (signal?.aborted) return reject(abortError(signal));
      if (deadline >= 0 && deadline <= now()) return reject(timedOut('sendfile'));
      if (sock.fileno() < 0) return reject(errnoError(EBADF, 'sendfile'));
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(abortError(signal!));
      const onClose = (): void => finish(errnoError(EBADF, 'sendfile'));
      const unClose = this.#whenClosed(onClose);
      const finish = (err: unknown, n = 0): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        unClose();
        if (err !== null) reject(err);
        else resolve(n);
      };
      if (deadline >= 0) timer = setTimeout(() => finish(timedOut('sendfile')), Math.max(1, Math.ceil(deadline - now())));
      signal?.addEventListener('abort', onAbort, { once: true });
      fsRead(fileFd, buf, 0, want, position, (err, n) => finish(err === null ? null : fromFsError(err, 'read'), n));
    });
  }

  /** Runs `fn` when the socket closes (before its descriptor does); returns the unregistration. */
  #whenClosed(fn: () => void): () => void {
    let set = this.#closers;
    if (set === null) {
      const s = new Set<() => void>();
      set = this.#closers = s;
      this.#sock[kOnClose](() => {
        const all = [...s];
        s.clear();
        for (const f of all) f();
      });
    }
    const own = set;
    own.add(fn);
    return () => { own.delete(fn); };
  }

  /**
   * Sends a batch of datagrams: `sendmmsg(messages[, flags][, options])`, resolving
   * with how many were sent (at most 1024). Everything is validated before any
   * system call; host names in the addresses are resolved off the thread first.
   * @syscall sendmmsg(2) MSG_DONTWAIT (sendmsg(2) per message elsewhere) — waits writable via the socket's uv_poll watcher
   * @throws (rejects) the sync sendmmsg's errors · {gaierror} · {TimeoutError} · {AbortError}
   */
  sendmmsg(...args: [...SendmmsgArgs, AsyncOptions?] | [SendmmsgArgs[0], AsyncOptions]): Promise<number> {
    try {
      const [a, opts] = splitRequired<SendmmsgArgs>('sendmmsg', args, 1, 2);
      const signal = signalOf('sendmmsg', opts);
      const sock = this.#sock;
      sock[kFd]('sendmmsg');
      // A one-shot iterable is read once: names are looked up from the same list.
      const m: unknown = a[0];
      if (typeof m === 'object' && m !== null && !Array.isArray(m) &&
        typeof (m as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
        a[0] = Array.from(m as Iterable<MmsgMessage>);
      }
      const hosts = hostsToResolve(sock.family, a[0]);
      const go = (lookup: HostLookup | undefined): Promise<number> => {
        try {
          if (signal?.aborted) throw abortError(signal);
          const fd = sock[kFd]('sendmmsg');
          const op = prepareSendmmsg(sock, a, lookup, true);
          const userFlags = dontWait(op);
          return new SendmmsgTwinOp(fd, op).noWaitIf(userFlags).run(this, WRITABLE, deadlineOf(sock), signal);
        } catch (e) {
          return Promise.reject(e);
        }
      };
      if (hosts.length === 0) return go(undefined);
      // Validate everything before the look-ups (placeholder addresses, no system call).
      prepareSendmmsg(sock, a, placeholderLookup, true);
      return Promise.all(hosts.map((h) => lookupHost('sendmmsg', h, sock.family, signal))).then((packed) => {
        const byHost = new Map<string, Uint8Array>();
        hosts.forEach((h, i) => byHost.set(h, packed[i]!));
        return go((_caller, host) => byHost.get(host) ?? placeholderLookup('sendmmsg', host, sock.family));
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives a batch: `recvmmsg(vlen, bufsize[, flags][, options])` resolves with
   * `[[data, address, msg_flags], ...]` once at least one datagram arrived,
   * taking up to `vlen` of those already queued (MSG_WAITFORONE).
   * @syscall recvmmsg(2) MSG_DONTWAIT|MSG_WAITFORONE (recvmsg(2) per datagram elsewhere) — waits readable
   *   via the socket's uv_poll watcher
   * @throws (rejects) the sync recvmmsg's errors (RangeError vlen outside 1-1024, negative bufsize) ·
   *   {TimeoutError} · {AbortError} · {OSError}
   */
  recvmmsg(...args: [...RecvmmsgArgs, AsyncOptions?] | [number, number, AsyncOptions]): Promise<RecvmmsgResult> {
    try {
      const [a, opts] = splitRequired<RecvmmsgArgs>('recvmmsg', args, 2, 3);
      const signal = signalOf('recvmmsg', opts);
      const sock = this.#sock;
      const op = prepareRecvmmsg(sock, a);
      const fd = sock[kFd]('recvmmsg');
      const userFlags = dontWait(op);
      return new RecvmmsgTwinOp(fd, op).noWaitIf(userFlags).run(this, READABLE, deadlineOf(sock), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Incoming data of a stream socket, chunk by chunk (up to 64 KiB each),
   * until the peer closes. Breaking out of the loop leaves the socket open.
   * @syscall recv(2) MSG_DONTWAIT — waits readable via the socket's uv_poll watcher
   * @throws {TypeError} not a SOCK_STREAM socket · the errors of recv()
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    if (this.#sock.type !== SOCK_STREAM) {
      throw new TypeError('async iteration needs a SOCK_STREAM socket (a datagram may be empty)');
    }
    for (;;) {
      const chunk = await this.recv(ITER_CHUNK);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }
}

/** `(a, b, c, options)` where options may take the place of b or c. */
function trailing3(caller: string, b: unknown, c: unknown, d: unknown, given: number): [unknown, unknown, unknown] {
  if (given > 4) throw new TypeError(`${caller}() takes at most 3 arguments and an options object (${given} given)`);
  if (d === undefined) {
    if (c === undefined && isOptions(b)) return [undefined, undefined, b];
    if (isOptions(c)) return [b, undefined, c];
  }
  return [b, c, d];
}

export function asyncViewFor(sock: Socket): SocketAsync {
  return new SocketAsync(sock);
}

// ---- sendfile, sendmmsg, recvmmsg twins ------------------------------------------------

const SEEK_SET = 0;

/**
 * Splits a trailing options object off `args` when it stands after the
 * `required` positionals (it never takes the place of a required one).
 */
function splitRequired<A extends unknown[]>(caller: string, args: unknown[], required: number, max: number): [A, unknown] {
  const last = args[args.length - 1];
  const hasOpts = args.length > required && isOptions(last);
  const a = hasOpts ? args.slice(0, -1) : args;
  if (a.length > max) throw new TypeError(`${caller}() takes at most ${max} arguments and an options object (${args.length} given)`);
  return [a as A, hasOpts ? last : undefined];
}

/** The distinct host names among the first MAX_BATCH messages' addresses. */
function hostsToResolve(family: number, messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  const hosts = new Set<string>();
  const n = Math.min(messages.length, MAX_BATCH);
  for (let i = 0; i < n; i++) {
    const m: unknown = messages[i];
    if (!Array.isArray(m) || m.length < 2) continue;
    const h = hostNeedingLookup(family, m[1]);
    if (h !== null) hosts.add(h);
  }
  return [...hosts];
}

/** A stand-in address for validating a batch before its names are resolved. */
const placeholderLookup: HostLookup = (_caller, _host, family) => new Uint8Array(family === AF_INET ? 4 : 16);

/** sendfile(2) until done, EOF or EAGAIN; the file position follows the bytes sent. */
class SendfileTwinOp extends Op<number> {
  #off: number;
  #total = 0;
  constructor(fd: number, readonly op: SendfileOp, readonly size: number, readonly release: () => void) {
    super(fd, 'sendfile');
    this.#off = op.offset;
  }
  attempt(): number | Again {
    const op = this.op;
    // settimeout(None) while waiting would make the descriptor blocking again.
    if (native.get_nonblocking(this.fd) === 0) native.set_nonblocking(this.fd, true);
    for (;;) {
      let block = op.count !== null ? op.count - this.#total : this.size;
      if (block <= 0) return this.#total;
      block = Math.min(block, MAX_SENDFILE_BLOCK);
      const r = mnative.sendfile(this.fd, op.fileFd, this.#off, block);
      if (r > 0) {
        this.#off += r;
        this.#total += r;
        continue;
      }
      if (r === 0) return this.#total; // end of file
      const e = -r;
      if (e === EAGAIN || e === EWOULDBLOCK) return AGAIN;
      if (e === EINTR) continue;
      if (this.#total === 0) throw new GiveupOnSendfile(`sendfile(2): errno ${e}`);
      throw errnoError(e, 'sendfile');
    }
  }
  protected override done(): void {
    if (this.#total > 0) mnative.lseek(this.op.fileFd, this.#off, SEEK_SET);
    this.release();
  }
}

/** One block of sendfile's fallback, sent whole; `sent` counts what went out (also on timeout/abort). */
class SendChunkOp extends Op<void> {
  sent = 0;
  constructor(fd: number, readonly bytes: Uint8Array) {
    super(fd, 'sendfile');
  }
  attempt(): void | Again {
    const total = this.bytes.length;
    for (;;) {
      const r = native.send(this.fd, this.bytes, this.sent, total - this.sent, MSG_DONTWAIT);
      if (r >= 0) {
        this.sent += r;
        if (this.sent >= total) return;
        continue;
      }
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class SendmmsgTwinOp extends Op<number> {
  constructor(fd: number, readonly op: SendmmsgOp) {
    super(fd, 'sendmmsg');
  }
  attempt(): number | Again {
    for (;;) {
      const r = attemptSendmmsg(this.fd, this.op);
      if (r >= 0) return r;
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

class RecvmmsgTwinOp extends Op<RecvmmsgResult> {
  constructor(fd: number, readonly op: RecvmmsgOp) {
    super(fd, 'recvmmsg');
  }
  attempt(): RecvmmsgResult | Again {
    for (;;) {
      // The batch state and a shared slab are per socket: finish before anyone else attempts.
      const r = attemptRecvmmsg(this.fd, this.op);
      if (r >= 0) return finishRecvmmsg(this.op, r);
      if (failed(r, this.syscall) === AGAIN) return AGAIN;
    }
  }
}

