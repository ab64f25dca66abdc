/**
 * The socket object: one method per system call (DESIGN §2), the three modes
 * of DESIGN §3 and the lifecycle rules (idempotent close, detach, dispose,
 * close on garbage collection with a ResourceWarning).
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { native } from './native.js';
import {
  AF_INET, AF_INET6, AF_UNIX, AF_VSOCK, SOCK_STREAM, SOCK_NONBLOCK, SOCK_CLOEXEC, SOL_SOCKET,
  SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR, SOMAXCONN, familyName, typeName as sockTypeName,
} from './constants.js';
import { OSError, errnoError, timedOut } from './errors.js';
import {
  type HostLookup, type SockAddr, decodeScratch, encodeAddress, formatAddress,
  newScratch, newSockaddrBuffer, syncLookup,
} from './address.js';
import {
  EAGAIN, EBADF, EINPROGRESS, EINTR, EWOULDBLOCK, POLLIN, POLLOUT, getdefaulttimeout, now, waitUntil,
} from './deadline.js';
import { descriptorWillClose, kEncode, kFd, kIoRef, kIoUnref, kOnClose, kScratch, kSockaddr, kWait } from './internal.js';
import { toBytes, toCInt, toFlags, toInt, toSize, toTimeout, toWritableBytes, typeName } from './validate.js';
import { makefileFor, type MakefileOptions, type MakefileResult, type SocketFile } from './makefile.js';
import {
  recvmsgFor, recvmsgIntoFor, sendmsgFor, sendfileFor, sendmmsgFor, recvmmsgFor,
  type RecvmsgArgs, type RecvmsgIntoArgs, type SendmsgArgs, type SendfileArgs,
  type SendmmsgArgs, type RecvmmsgArgs, type RecvmsgResult, type RecvmsgIntoResult, type RecvmmsgResult,
} from './messages.js';
import { asyncViewFor, type SocketAsync } from './async/socket-async.js';

/** Descriptor state shared with the finalizer; it never references the socket. */
interface Core {
  fd: number;
  family: number;
  type: number;
  proto: number;
}

const finalizer = new FinalizationRegistry<Core>((core) => {
  if (core.fd < 0) return;
  const desc = describe(core, false, newScratch());
  descriptorWillClose(core.fd);
  native.close(core.fd);
  core.fd = -1;
  process.emitWarning(`unclosed ${desc}`, 'ResourceWarning');
});

/**
 * Python's repr: laddr/raddr only while open and only when non-empty (an
 * unbound AF_UNIX socket has '' and shows none), as socket.__repr__ does.
 */
function describe(core: Core, closed: boolean, scratch: Buffer): string {
  let s = `<socket.socket${closed ? ' [closed]' : ''} fd=${core.fd}, family=${familyName(core.family)}, ` +
    `type=${sockTypeName(core.type)}, proto=${core.proto}`;
  if (!closed && core.fd >= 0) {
    for (const [label, call] of [['laddr', native.getsockname], ['raddr', native.getpeername]] as const) {
      if (call(core.fd, scratch) < 0) continue;
      let a: SockAddr;
      try {
        a = decodeScratch(scratch);
      } catch {
        continue;
      }
      if (a !== null && a !== '' && !(Buffer.isBuffer(a) && a.length === 0)) s += `, ${label}=${formatAddress(a)}`;
    }
  }
  return `${s}>`;
}

const TYPE_FLAGS = (SOCK_NONBLOCK ?? 0) | (SOCK_CLOEXEC ?? 0);
const RECV_POOL_LIMIT = 4096;
const RX_KEEP_LIMIT = 256 * 1024;
/** Linux's accept4() never hands the listener's O_NONBLOCK to the new socket. */
const ACCEPT_CLEARS_NONBLOCK = process.platform === 'linux';
const intOpt = new Int32Array(1);
const intOptBytes = new Uint8Array(intOpt.buffer);
/** The length getsockopt(2) reported for the bytes form (may exceed the buffer). */
const reportedOptlen = new Uint32Array(1);

/**
 * `getsockopt(level, optname, buflen)`'s value: the bytes the kernel wrote, at
 * most `buflen`. A few options (`NETLINK_LIST_MEMBERSHIPS`) write what fits
 * and report the length they need: then `truncated` is true and `optlen` is
 * that length, so asking again with `buflen >= optlen` gets the whole value.
 * Python returns `optlen` bytes instead, the ones past `buflen` never written.
 */
export interface OptionBytes extends Buffer {
  /** The length getsockopt(2) reported: the value's full length. */
  readonly optlen: number;
  /** Whether the value needed more than `buflen` bytes (`optlen > length`). */
  readonly truncated: boolean;
}

/** Internal construction (accept, dup, socketpair): no kernel queries, no validation. */
let adopting: { fd: number; family: number; type: number; proto: number; timeout: number | null } | null = null;

/** Builds a Socket around a descriptor the library just created. */
export function adoptSocket(fd: number, family: number, type: number, proto: number,
  timeout: number | null = getdefaulttimeout()): Socket {
  adopting = { fd, family, type, proto, timeout };
  try {
    return new Socket();
  } finally {
    adopting = null;
  }
}

function kernelInt(fd: number, name: number): number {
  const r = native.getsockopt(fd, SOL_SOCKET, name, intOptBytes);
  if (r < 0) throw errnoError(-r, 'getsockopt');
  return intOpt[0]!;
}

/**
 * A socket. `new Socket(family, type, proto, fileno)` is Python's
 * `socket.socket(...)`: with `fileno`, the descriptor is adopted and any of
 * family/type/proto left out is read from the kernel.
 */
export class Socket implements Disposable {
  // The descriptor, also kept in #core (which the GC finalizer holds): every
  // call reads it, and a field of the socket itself is one object fewer to
  // touch per call than #core's. close() and detach() update both.
  #fd: number;
  readonly #core: Core;
  #timeout: number | null;
  #closed = false;
  #ioRefs = 0;
  #scratch: Buffer | null = null;
  #sockaddr: Buffer | null = null;
  #rxBuf: Buffer | null = null;
  #sendtoKey: { a0: unknown; a1: unknown; addr: unknown; len: number } | null = null;
  #onClose: Array<() => void> = [];
  #async: SocketAsync | null = null;

  /**
   * @syscall socket(2), or getsockopt(2) SO_DOMAIN/SO_TYPE/SO_PROTOCOL when adopting `fileno`
   * @throws {OSError} EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE, ENOTSOCK, EBADF ·
   *   {RangeError} negative fileno · {TypeError} non-integer arguments
   * @see https://man7.org/linux/man-pages/man2/socket.2.html
   */
  constructor(family?: number | null, type?: number | null, proto?: number | null, fileno?: number | null) {
    if (adopting !== null) {
      const a = adopting;
      adopting = null;
      this.#fd = a.fd;
      this.#core = { fd: a.fd, family: a.family, type: a.type, proto: a.proto };
      this.#timeout = a.timeout;
      if (a.timeout !== null) native.set_nonblocking(a.fd, true);
      finalizer.register(this, this.#core, this);
      return;
    }
    const given = (v: number | null | undefined): v is number => v !== undefined && v !== null && v !== -1;
    let fam = given(family) ? toCInt('socket', 'family', family) : -1;
    let typ = given(type) ? toCInt('socket', 'type', type) : -1;
    let pro = given(proto) ? toCInt('socket', 'proto', proto) : -1;
    let fd: number;
    if (fileno !== undefined && fileno !== null) {
      if (typeof fileno !== 'number' || !Number.isInteger(fileno)) {
        throw new TypeError(`socket(): fileno must be an integer, not ${typeName(fileno)}`);
      }
      if (fileno < 0) throw new RangeError('negative file descriptor');
      fd = fileno;
      // Reading SO_TYPE also proves the descriptor is a socket (ENOTSOCK, EBADF).
      const kType = kernelInt(fd, SO_TYPE);
      if (fam === -1) fam = kernelInt(fd, SO_DOMAIN);
      if (typ === -1) typ = kType;
      if (pro === -1) pro = kernelInt(fd, SO_PROTOCOL);
    } else {
      if (fam === -1) fam = AF_INET;
      if (typ === -1) typ = SOCK_STREAM;
      if (pro === -1) pro = 0;
      const r = native.socket(fam, typ, pro);
      if (r < 0) throw errnoError(-r, 'socket');
      fd = r;
    }
    this.#fd = fd;
    this.#core = { fd, family: fam, type: typ & ~TYPE_FLAGS, proto: pro };
    this.#timeout = (SOCK_NONBLOCK !== undefined && (typ & SOCK_NONBLOCK) !== 0) ? 0 : getdefaulttimeout();
    if (this.#timeout !== null) {
      const r = native.set_nonblocking(fd, true);
      // A descriptor we just made must not escape; an adopted one stays the caller's.
      if (r < 0 && (fileno === undefined || fileno === null)) {
        native.close(fd);
        throw errnoError(-r, 'fcntl');
      }
    }
    finalizer.register(this, this.#core, this);
  }

  /** The address family (AF_INET, ...). */
  get family(): number {
    return this.#core.family;
  }

  /** The socket type, without SOCK_NONBLOCK/SOCK_CLOEXEC. */
  get type(): number {
    return this.#core.type;
  }

  /** The protocol number. */
  get proto(): number {
    return this.#core.proto;
  }

  /** The timeout in seconds, null in blocking mode (same as gettimeout()). */
  get timeout(): number | null {
    return this.#timeout;
  }

  // ---- internals shared with the library's other modules -------------------

  /** @internal */
  [kFd](syscall: string): number {
    const fd = this.#fd;
    if (fd < 0) throw errnoError(EBADF, syscall);
    return fd;
  }

  /** @internal */
  [kWait](r: number, events: number, syscall: string, deadline: number): number {
    const e = -r;
    if (e === EINTR) return deadline;
    if (e !== EAGAIN && e !== EWOULDBLOCK) throw errnoError(e, syscall);
    const t = this.#timeout;
    if (t === 0) throw errnoError(e, syscall);
    if (t === null) {
      // Blocking mode: EAGAIN on a blocking descriptor is genuine (MSG_DONTWAIT,
      // SO_RCVTIMEO) and raised, as CPython does; on a descriptor an async twin
      // or the adopter made non-blocking, wait without limit and retry.
      if (native.get_nonblocking(this.#fd) !== 1) throw errnoError(e, syscall);
      waitUntil(this.#fd, events, Infinity, syscall);
      return deadline;
    }
    if (deadline < 0) deadline = now() + t * 1000;
    waitUntil(this.#fd, events, deadline, syscall);
    return deadline;
  }

  /** @internal */
  [kScratch](): Buffer {
    return (this.#scratch ??= newScratch());
  }

  /** @internal */
  [kSockaddr](): Buffer {
    return (this.#sockaddr ??= newSockaddrBuffer());
  }

  /** @internal */
  [kEncode](caller: string, address: unknown, lookup: HostLookup = syncLookup): number {
    const c = this.#core;
    // The buffer is about to hold another address: sendto's cache is stale.
    this.#sendtoKey = null;
    return encodeAddress(caller, c.family, address, this[kSockaddr](), c.type, c.proto, lookup);
  }

  /** @internal */
  [kIoRef](): void {
    this.#ioRefs++;
  }

  /** @internal */
  [kIoUnref](): void {
    this.#ioRefs--;
    if (this.#closed && this.#ioRefs <= 0) this.#realClose();
  }

  /** @internal */
  [kOnClose](fn: () => void): void {
    this.#onClose.push(fn);
  }

  /** Runs every hook even if one throws, so the descriptor is always released. */
  #runCloseHooks(): void {
    const hooks = this.#onClose;
    this.#onClose = [];
    let failure: unknown = null;
    for (const fn of hooks) {
      try {
        fn();
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== null) process.emitWarning(`bsd-socket: a close hook failed: ${String(failure)}`);
  }

  // ---- lifecycle ------------------------------------------------------------

  /**
   * Closes the socket. Idempotent; while makefile() streams are open the
   * descriptor stays open until the last one closes.
   * @syscall close(2)
   * @throws {OSError} EBADF if the descriptor was closed behind the object's back
   * @see https://man7.org/linux/man-pages/man2/close.2.html
   */
  close(): void {
    this.#closed = true;
    if (this.#ioRefs <= 0) this.#realClose();
  }

  #realClose(): void {
    const c = this.#core;
    if (c.fd < 0) return;
    this.#runCloseHooks();
    const fd = c.fd;
    c.fd = -1;
    this.#fd = -1;
    finalizer.unregister(this);
    // Another socket object may watch the same number (socket(fileno=...)).
    descriptorWillClose(fd);
    const r = native.close(fd);
    // ECONNRESET on close is not an error worth raising (CPython bpo-30319).
    if (r < 0 && -r !== (osErrno.ECONNRESET ?? -1)) throw errnoError(-r, 'close');
  }

  /**
   * Puts the socket in the closed state without closing the descriptor, and
   * returns the descriptor; nothing closes it afterwards.
   * @syscall none
   */
  detach(): number {
    const c = this.#core;
    const fd = c.fd;
    if (fd >= 0) this.#runCloseHooks();
    c.fd = -1;
    this.#fd = -1;
    this.#closed = true;
    finalizer.unregister(this);
    return fd;
  }

  /** Closes the socket at the end of a `using` block. @syscall close(2) */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The descriptor, or -1 once closed or detached. @syscall none */
  fileno(): number {
    return this.#fd;
  }

  /**
   * A new socket on a duplicate of the descriptor, with the same timeout.
   * @syscall fcntl(2) F_DUPFD_CLOEXEC
   * @throws {OSError} EBADF, EMFILE
   */
  dup(): Socket {
    const c = this.#core;
    const r = native.dup(this[kFd]('dup'));
    if (r < 0) throw errnoError(-r, 'dup');
    return adoptSocket(r, c.family, c.type, c.proto, this.#timeout);
  }

  /**
   * Whether child processes inherit the descriptor (FD_CLOEXEC clear).
   * @syscall fcntl(2) F_GETFD
   * @throws {OSError} EBADF
   */
  get_inheritable(): boolean {
    const r = native.get_inheritable(this[kFd]('get_inheritable'));
    if (r < 0) throw errnoError(-r, 'fcntl');
    return r === 1;
  }

  /**
   * Sets or clears FD_CLOEXEC.
   * @syscall fcntl(2) F_SETFD
   * @throws {OSError} EBADF
   */
  set_inheritable(inheritable: boolean): void {
    const r = native.set_inheritable(this[kFd]('set_inheritable'), Boolean(inheritable));
    if (r < 0) throw errnoError(-r, 'fcntl');
  }

  // ---- modes ----------------------------------------------------------------

  /** The timeout in seconds, or null in blocking mode. @syscall none */
  gettimeout(): number | null {
    return this.#timeout;
  }

  /**
   * null: blocking; 0: non-blocking; t > 0: every call waits at most t seconds.
   * @syscall fcntl(2) F_SETFL O_NONBLOCK (set unless null)
   * @throws {RangeError} negative/NaN · {TypeError} not a number · {OSError} EBADF
   */
  settimeout(value: number | null): void {
    if (value === undefined) throw new TypeError('settimeout() takes exactly one argument (0 given)');
    const t = toTimeout(value);
    this.#setMode(t, 'settimeout');
  }

  /**
   * `setblocking(false)` is `settimeout(0)`, `setblocking(true)` is `settimeout(null)`.
   * @syscall fcntl(2) F_SETFL O_NONBLOCK
   * @throws {OSError} EBADF
   */
  setblocking(flag: boolean): void {
    this.#setMode(flag ? null : 0, 'setblocking');
  }

  #setMode(t: number | null, caller: string): void {
    const fd = this[kFd](caller);
    const r = native.set_nonblocking(fd, t !== null);
    if (r < 0) throw errnoError(-r, 'fcntl');
    this.#timeout = t;
  }

  /** False only in non-blocking mode (timeout 0). @syscall none */
  getblocking(): boolean {
    return this.#timeout !== 0;
  }

  // ---- addresses and connection set-up --------------------------------------

  /**
   * Binds to a local address.
   * @syscall bind(2)
   * @throws {OSError} EADDRINUSE, EADDRNOTAVAIL, EINVAL (already bound), EACCES ·
   *   {gaierror} host does not resolve · {TypeError}/{RangeError} malformed address
   * @see https://man7.org/linux/man-pages/man2/bind.2.html
   */
  bind(address: unknown): void {
    // The address first, as CPython: a bad address on a closed socket is the address's error.
    const len = this[kEncode]('bind', address);
    const fd = this[kFd]('bind');
    const r = native.bind(fd, this.#sockaddr!, len);
    if (r < 0) throw errnoError(-r, 'bind', address);
  }

  /**
   * Marks the socket as accepting connections; default backlog min(SOMAXCONN, 128),
   * negative values count as 0.
   * @syscall listen(2)
   * @throws {OSError} EBADF, EOPNOTSUPP · {RangeError} backlog beyond a C int
   */
  listen(backlog?: number): void {
    let n = backlog === undefined ? Math.min(SOMAXCONN, 128) : toCInt('listen', 'backlog', backlog);
    const fd = this[kFd]('listen');
    if (n < 0) n = 0;
    const r = native.listen(fd, n);
    if (r < 0) throw errnoError(-r, 'listen');
  }

  /**
   * Accepts a connection: `[conn, address]`. The new socket takes the default
   * timeout (blocking if none), whatever the listener's mode (bpo-7995).
   * @syscall accept4(2) SOCK_CLOEXEC — waits readable under the socket's timeout
   * @throws {TimeoutError} deadline passed · {BlockingIOError} non-blocking, none pending ·
   *   {OSError} EBADF, EINVAL (not listening), EMFILE
   * @see https://man7.org/linux/man-pages/man2/accept.2.html
   */
  accept(): [Socket, SockAddr] {
    const fd = this[kFd]('accept');
    const scratch = this[kScratch]();
    let deadline = -1;
    for (;;) {
      const r = native.accept(fd, scratch);
      if (r >= 0) {
        const c = this.#core;
        const conn = adoptSocket(r, c.family, c.type, c.proto);
        // BSD and macOS pass the listener's O_NONBLOCK on to the new
        // descriptor; a blocking-mode socket must have a blocking one.
        if (!ACCEPT_CLEARS_NONBLOCK && conn.#timeout === null && this.#timeout !== null) {
          native.set_nonblocking(r, false);
        }
        return [conn, decodeScratch(scratch)];
      }
      deadline = this[kWait](r, POLLIN, 'accept', deadline);
    }
  }

  /**
   * Connects to a remote address; under a timeout the whole connection set-up
   * is bounded by it.
   * @syscall connect(2), then poll(2) writable and getsockopt(2) SO_ERROR when in progress
   * @throws {ConnectionRefusedError} ECONNREFUSED · {TimeoutError} deadline passed ·
   *   {BlockingIOError} EINPROGRESS in non-blocking mode · {OSError} EISCONN, ENETUNREACH, ... ·
   *   {gaierror} host does not resolve
   * @see https://man7.org/linux/man-pages/man2/connect.2.html
   */
  connect(address: unknown): void {
    const e = this.#connect('connect', address, this[kEncode]('connect', address));
    if (e !== 0) throw e === -1 ? timedOut('connect') : errnoError(e, 'connect', address);
  }

  /**
   * Like connect(), but returns the errno (0 on success) instead of raising
   * for system-call failures, EBADF (9) on a closed socket included; address
   * errors still raise.
   * @syscall connect(2)
   * @throws {gaierror} host does not resolve · {TypeError}/{RangeError} malformed address
   */
  connect_ex(address: unknown): number {
    const len = this[kEncode]('connect_ex', address);
    // As CPython: a closed socket is connect(-1), whose EBADF is returned like any errno.
    if (this.#fd < 0) return EBADF;
    const e = this.#connect('connect_ex', address, len);
    return e === -1 ? EWOULDBLOCK : e;
  }

  /** 0, a positive errno, or -1 for a timeout. Uses the encoded address in kSockaddr. */
  #connect(caller: string, _address: unknown, len: number): number {
    const fd = this[kFd](caller);
    const r = native.connect(fd, this.#sockaddr!, len);
    if (r === 0) return 0;
    const e = -r;
    const t = this.#timeout;
    if ((e === EINPROGRESS || e === EINTR) && t !== 0) {
      const deadline = t === null ? Infinity : now() + t * 1000;
      try {
        waitUntil(fd, POLLOUT, deadline, caller);
      } catch (err) {
        if (err instanceof OSError && err.errno === null) return -1;
        throw err;
      }
      return kernelInt(fd, SO_ERROR);
    }
    return e;
  }

  /**
   * The socket's own address.
   * @syscall getsockname(2)
   * @throws {OSError} EBADF
   */
  getsockname(): SockAddr {
    const scratch = this[kScratch]();
    const r = native.getsockname(this[kFd]('getsockname'), scratch);
    if (r < 0) throw errnoError(-r, 'getsockname');
    return decodeScratch(scratch);
  }

  /**
   * The connected peer's address.
   * @syscall getpeername(2)
   * @throws {OSError} ENOTCONN, EBADF
   */
  getpeername(): SockAddr {
    const scratch = this[kScratch]();
    const r = native.getpeername(this[kFd]('getpeername'), scratch);
    if (r < 0) throw errnoError(-r, 'getpeername');
    return decodeScratch(scratch);
  }

  /**
   * Shuts down one or both halves (SHUT_RD, SHUT_WR, SHUT_RDWR).
   * @syscall shutdown(2)
   * @throws {OSError} ENOTCONN, EINVAL · {RangeError} beyond a C int
   */
  shutdown(how: number): void {
    const h = toCInt('shutdown', 'how', how);
    const r = native.shutdown(this[kFd]('shutdown'), h);
    if (r < 0) throw errnoError(-r, 'shutdown');
  }

  // ---- options --------------------------------------------------------------

  /**
   * An option's value: an integer, or with `buflen` (1-1024) the raw bytes the
   * kernel wrote (at most buflen, see {@link OptionBytes} for a value that did
   * not fit); `buflen` 0 is the integer form, as in CPython.
   * @syscall getsockopt(2)
   * @throws {OSError} ENOPROTOOPT, EBADF, "getsockopt buflen out of range"
   */
  getsockopt(level: number, optname: number, buflen?: number): number | OptionBytes {
    const lv = toCInt('getsockopt', 'level', level);
    const name = toCInt('getsockopt', 'optname', optname);
    // As CPython: buflen 0 asks for the int form; out of 1-1024 fails before the call.
    const n = buflen === undefined ? 0 : toInt('getsockopt', 'buflen', buflen);
    if (n < 0 || n > 1024) throw new OSError('getsockopt buflen out of range');
    const fd = this[kFd]('getsockopt');
    if (n === 0) {
      if (AF_VSOCK !== undefined && this.#core.family === AF_VSOCK) {
        // As CPython: VSOCK's options are 64-bit (SO_VM_SOCKETS_BUFFER_*).
        const v = new BigUint64Array(1);
        const r = native.getsockopt(fd, lv, name, new Uint8Array(v.buffer));
        if (r < 0) throw errnoError(-r, 'getsockopt');
        return Number(v[0]!);
      }
      intOpt[0] = 0;
      const r = native.getsockopt(fd, lv, name, intOptBytes);
      if (r < 0) throw errnoError(-r, 'getsockopt');
      return intOpt[0]!;
    }
    const buf = Buffer.alloc(n);
    const r = native.getsockopt(fd, lv, name, buf, reportedOptlen);
    if (r < 0) throw errnoError(-r, 'getsockopt');
    const optlen = reportedOptlen[0]!;
    return Object.defineProperties(buf.subarray(0, r), {
      optlen: { value: optlen },
      truncated: { value: optlen > n },
    }) as OptionBytes;
  }

  /**
   * Sets an option from an integer, a bytes-like value, or `null` with `optlen`
   * (a NULL pointer and a length, as some options need).
   * @syscall setsockopt(2)
   * @throws {OSError} ENOPROTOOPT, EINVAL, EBADF · {TypeError} a string or other non-bytes value
   */
  setsockopt(level: number, optname: number, value: number | boolean | ArrayBufferView | ArrayBuffer | null,
    optlen?: number): void {
    const lv = toCInt('setsockopt', 'level', level);
    const name = toCInt('setsockopt', 'optname', optname);
    let r: number;
    if (value === null) {
      if (optlen === undefined) throw new TypeError('setsockopt(): optlen is required when value is null');
      const len = toIntInRange('setsockopt', 'optlen', optlen);
      r = native.setsockopt(this[kFd]('setsockopt'), lv, name, null, len);
    } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      if (optlen !== undefined) throw new TypeError('setsockopt(): optlen is only given with a null value');
      if (AF_VSOCK !== undefined && this.#core.family === AF_VSOCK) {
        // As CPython: VSOCK's options are 64-bit (SO_VM_SOCKETS_BUFFER_*).
        const v = new BigUint64Array([BigInt.asUintN(64, BigInt(toInt('setsockopt', 'value', value)))]);
        r = native.setsockopt(this[kFd]('setsockopt'), lv, name, new Uint8Array(v.buffer), 8);
      } else {
        intOpt[0] = toCInt('setsockopt', 'value', value);
        r = native.setsockopt(this[kFd]('setsockopt'), lv, name, intOptBytes, 4);
      }
    } else {
      if (optlen !== undefined) throw new TypeError('setsockopt(): optlen is only given with a null value');
      const bytes = toBytes('setsockopt', value);
      r = native.setsockopt(this[kFd]('setsockopt'), lv, name, bytes, bytes.byteLength);
    }
    if (r < 0) throw errnoError(-r, 'setsockopt');
  }

  // ---- data -----------------------------------------------------------------

  /**
   * Receives up to `bufsize` bytes; an empty Buffer means the peer closed.
   * @syscall recv(2) — waits readable under the socket's timeout
   * @throws {TimeoutError} deadline passed · {BlockingIOError} non-blocking, no data ·
   *   {ConnectionResetError} · {OSError} EBADF, ENOTCONN · {RangeError} negative bufsize
   * @see https://man7.org/linux/man-pages/man2/recv.2.html
   */
  recv(bufsize: number, flags?: number): Buffer {
    const n = toSize('recv', 'bufsize', bufsize, 'negative buffersize in recv');
    const fl = flags === undefined ? 0 : toFlags('recv', flags);
    // As CPython: nothing to read is no system call (and no EBADF on a closed socket).
    if (n === 0) return Buffer.alloc(0);
    const fd = this[kFd]('recv');
    const small = n <= RECV_POOL_LIMIT;
    const buf = small ? Buffer.allocUnsafe(n) : this.#rxBuffer(n);
    let deadline = -1;
    for (;;) {
      const r = native.recv(fd, buf, 0, n, fl);
      if (r >= 0) return small ? (r === n ? buf : buf.subarray(0, r)) : Buffer.from(buf.subarray(0, r));
      deadline = this[kWait](r, POLLIN, 'recv', deadline);
    }
  }

  /** The reusable receive buffer; sizes above RX_KEEP_LIMIT get a one-off buffer so none is pinned. */
  #rxBuffer(n: number): Buffer {
    if (n > RX_KEEP_LIMIT) return Buffer.allocUnsafeSlow(n);
    if (this.#rxBuf === null || this.#rxBuf.length < n) this.#rxBuf = Buffer.allocUnsafeSlow(n);
    return this.#rxBuf;
  }

  /**
   * Receives into `buffer` (at most `nbytes`, default its length); returns the count.
   * @syscall recv(2) — waits readable under the socket's timeout
   * @throws {TimeoutError} · {BlockingIOError} · {OSError} · {RangeError} nbytes negative or
   *   beyond the buffer · {TypeError} not a writable buffer
   */
  recv_into(buffer: ArrayBufferView | ArrayBuffer, nbytes?: number, flags?: number): number {
    const view = toWritableBytes('recv_into', buffer);
    const n = nbytesFor('recv_into', view, nbytes, 'buffer too small for requested bytes');
    const fl = flags === undefined ? 0 : toFlags('recv_into', flags);
    // As CPython: an empty buffer reads nothing, at once (a datagram stays queued).
    if (n === 0) return 0;
    const fd = this[kFd]('recv_into');
    let deadline = -1;
    for (;;) {
      const r = native.recv(fd, view, 0, n, fl);
      if (r >= 0) return r;
      deadline = this[kWait](r, POLLIN, 'recv_into', deadline);
    }
  }

  /**
   * Receives up to `bufsize` bytes and the sender's address: `[data, address]`
   * (address null on a connected stream socket).
   * @syscall recvfrom(2) — waits readable under the socket's timeout
   * @throws {TimeoutError} · {BlockingIOError} · {OSError} · {RangeError} negative bufsize
   */
  recvfrom(bufsize: number, flags?: number): [Buffer, SockAddr] {
    const n = toSize('recvfrom', 'bufsize', bufsize, 'negative buffersize in recvfrom');
    const fl = flags === undefined ? 0 : toFlags('recvfrom', flags);
    const fd = this[kFd]('recvfrom');
    const scratch = this[kScratch]();
    const small = n <= RECV_POOL_LIMIT;
    const buf = small ? Buffer.allocUnsafe(n) : this.#rxBuffer(n);
    let deadline = -1;
    for (;;) {
      const r = native.recvfrom(fd, buf, 0, n, fl, scratch);
      if (r >= 0) {
        const data = small ? buf.subarray(0, r) : Buffer.from(buf.subarray(0, r));
        return [data, decodeScratch(scratch)];
      }
      deadline = this[kWait](r, POLLIN, 'recvfrom', deadline);
    }
  }

  /**
   * Receives into `buffer`: `[nbytes, address]`.
   * @syscall recvfrom(2) — waits readable under the socket's timeout
   * @throws {TimeoutError} · {BlockingIOError} · {OSError} · {RangeError} nbytes beyond the buffer
   */
  recvfrom_into(buffer: ArrayBufferView | ArrayBuffer, nbytes?: number, flags?: number): [number, SockAddr] {
    const view = toWritableBytes('recvfrom_into', buffer);
    const n = nbytesFor('recvfrom_into', view, nbytes, 'nbytes is greater than the length of the buffer');
    const fl = flags === undefined ? 0 : toFlags('recvfrom_into', flags);
    const fd = this[kFd]('recvfrom_into');
    const scratch = this[kScratch]();
    let deadline = -1;
    for (;;) {
      const r = native.recvfrom(fd, view, 0, n, fl, scratch);
      if (r >= 0) return [r, decodeScratch(scratch)];
      deadline = this[kWait](r, POLLIN, 'recvfrom_into', deadline);
    }
  }

  /**
   * Sends bytes; returns how many were sent (possibly fewer than given).
   * @syscall send(2) — waits writable under the socket's timeout
   * @throws {BrokenPipeError} EPIPE · {ConnectionResetError} · {TimeoutError} ·
   *   {BlockingIOError} · {OSError} EDESTADDRREQ · {TypeError} not bytes-like
   * @see https://man7.org/linux/man-pages/man2/send.2.html
   */
  send(data: ArrayBufferView | ArrayBuffer, flags?: number): number {
    const bytes = toBytes('send', data);
    const fl = flags === undefined ? 0 : toFlags('send', flags);
    const fd = this[kFd]('send');
    let deadline = -1;
    for (;;) {
      const r = native.send(fd, bytes, 0, bytes.length, fl);
      if (r >= 0) return r;
      deadline = this[kWait](r, POLLOUT, 'send', deadline);
    }
  }

  /**
   * Sends every byte; the timeout bounds the whole call.
   * @syscall send(2), repeated — waits writable under one deadline
   * @throws {TimeoutError} (some data may have been sent) · {BrokenPipeError} · {OSError}
   */
  sendall(data: ArrayBufferView | ArrayBuffer, flags?: number): void {
    const bytes = toBytes('sendall', data);
    const fl = flags === undefined ? 0 : toFlags('sendall', flags);
    const fd = this[kFd]('sendall');
    const total = bytes.length;
    let off = 0;
    // The deadline runs from the call's start (CPython's sock_sendall): the
    // partial sends before the first wait count against the timeout too.
    const t = this.#timeout;
    let deadline = t !== null && t > 0 ? now() + t * 1000 : -1;
    while (off < total || total === 0) {
      const r = native.send(fd, bytes, off, total - off, fl);
      if (r >= 0) {
        off += r;
        if (total === 0) return;
        continue;
      }
      deadline = this[kWait](r, POLLOUT, 'sendall', deadline);
    }
  }

  /**
   * Sends a datagram to `address`: `sendto(data, address)` or `sendto(data, flags, address)`.
   * @syscall sendto(2) — waits writable under the socket's timeout
   * @throws {OSError} EMSGSIZE, EACCES, EISCONN · {TimeoutError} · {BlockingIOError} ·
   *   {gaierror} host does not resolve · {TypeError} wrong arguments
   */
  sendto(data: ArrayBufferView | ArrayBuffer, flagsOrAddress: unknown, address?: unknown): number {
    const argc = arguments.length;
    if (argc < 2 || argc > 3) throw new TypeError(`sendto() takes 2 or 3 arguments (${argc} given)`);
    // Python's order: data, then flags, then the address.
    const bytes = toBytes('sendto', data);
    let fl = 0;
    let addr: unknown = flagsOrAddress;
    if (argc === 3) {
      fl = toFlags('sendto', flagsOrAddress);
      addr = address;
    }
    const len = this.#encodeCached(addr);
    const fd = this[kFd]('sendto');
    let deadline = -1;
    for (;;) {
      const r = native.sendto(fd, bytes, 0, bytes.length, fl, this.#sockaddr!, len);
      if (r >= 0) return r;
      deadline = this[kWait](r, POLLOUT, 'sendto', deadline);
    }
  }

  /** Encodes a destination, reusing the last encoding when the same [host, port] comes again. */
  #encodeCached(addr: unknown): number {
    const k = this.#sendtoKey;
    if (k !== null && k.addr === addr && Array.isArray(addr) && addr.length === 2 &&
        addr[0] === k.a0 && addr[1] === k.a1) {
      return k.len;
    }
    // null/undefined reach the codec, which names the family's expected form.
    const len = this[kEncode]('sendto', addr);
    const c = this.#core;
    if (Array.isArray(addr) && addr.length === 2 && (c.family === AF_INET || c.family === AF_INET6)) {
      this.#sendtoKey = { addr, a0: addr[0], a1: addr[1], len };
    } else {
      this.#sendtoKey = null;
    }
    return len;
  }

  // ---- methods built in other modules ---------------------------------------

  /**
   * A file object over the socket (Python's makefile): modes 'r', 'w', 'rw' with
   * optional 'b'; buffering 0 (raw), 1 (line), n; text options in `options`.
   * @syscall none (built on recv/send)
   * The result's type follows the mode (see MakefileResult, docs/makefile.md).
   * @throws {RangeError} invalid mode, "unbuffered streams must be binary"
   */
  makefile(options: MakefileOptions): MakefileResult<'r', undefined>;
  makefile<M extends string = 'r', B extends number | null | MakefileOptions | undefined = undefined>(
    mode?: M, buffering?: B, options?: MakefileOptions): MakefileResult<M, B>;
  makefile(mode?: string | MakefileOptions, buffering?: number | null | MakefileOptions,
    options?: MakefileOptions): SocketFile {
    return makefileFor(this, mode, buffering, options);
  }

  /**
   * Sends gathered buffers with ancillary data: `sendmsg(buffers, ancdata, flags, address)`;
   * returns the bytes sent. See docs/messages.md.
   * @syscall sendmsg(2) — waits writable under the socket's timeout
   * @throws {TypeError} non-iterable buffers, non-bytes items, malformed ancillary items ·
   *   {OSError} EBADF (invalid descriptor in SCM_RIGHTS), EINVAL, EDESTADDRREQ, EMSGSIZE ·
   *   {TimeoutError} · {BlockingIOError}
   */
  sendmsg(...args: SendmsgArgs): number {
    return sendmsgFor(this, ...args);
  }

  /**
   * Receives data and ancillary data: `recvmsg(bufsize, ancbufsize, flags)` →
   * `[data, ancdata, msg_flags, address]`. Received descriptors are close-on-exec.
   * @syscall recvmsg(2) MSG_CMSG_CLOEXEC — waits readable under the socket's timeout
   * @throws {RangeError} negative bufsize or ancbufsize · {TimeoutError} · {BlockingIOError} · {OSError}
   */
  recvmsg(...args: RecvmsgArgs): RecvmsgResult {
    return recvmsgFor(this, ...args);
  }

  /**
   * Receives into writable buffers in order: `recvmsg_into(buffers, ancbufsize, flags)` →
   * `[nbytes, ancdata, msg_flags, address]`.
   * @syscall recvmsg(2) MSG_CMSG_CLOEXEC — waits readable under the socket's timeout
   * @throws {TypeError} not an iterable of writable buffers · {RangeError} · {TimeoutError} · {OSError}
   */
  recvmsg_into(...args: RecvmsgIntoArgs): RecvmsgIntoResult {
    return recvmsgIntoFor(this, ...args);
  }

  /**
   * Sends a file's bytes: `sendfile(file, offset, count)` with `file` a descriptor
   * or FileHandle; returns the bytes sent. The timeout bounds the whole transfer.
   * @syscall sendfile(2) (zero-copy), or pread(2)+send(2) where sendfile(2) cannot serve
   * @throws {RangeError} not SOCK_STREAM, non-blocking socket, bad count/offset ·
   *   {TypeError} · {TimeoutError} · {OSError} EBADF, EPIPE
   */
  sendfile(...args: SendfileArgs): number {
    return sendfileFor(this, ...args);
  }

  /**
   * Sends many datagrams in one system call: `sendmmsg(messages, flags)` with
   * messages `[data, address?]`; returns how many were sent.
   * @syscall sendmmsg(2) (a loop of sendmsg(2) where the platform lacks it) — waits writable
   * @throws {TypeError} malformed messages (before anything is sent) · {TimeoutError} · {OSError}
   */
  sendmmsg(...args: SendmmsgArgs): number {
    return sendmmsgFor(this, ...args);
  }

  /**
   * Receives up to `vlen` datagrams in one system call: `[data, address, msg_flags][]`.
   * @syscall recvmmsg(2) MSG_WAITFORONE (a loop of recvmsg(2) where the platform lacks it) — waits readable
   * @throws {RangeError} vlen outside 1-1024, negative bufsize · {TimeoutError} · {OSError}
   */
  recvmmsg(...args: RecvmmsgArgs): RecvmmsgResult {
    return recvmmsgFor(this, ...args);
  }

  /** The Promise twins of this socket's waiting methods (DESIGN §3). */
  get async(): SocketAsync {
    return (this.#async ??= asyncViewFor(this));
  }

  // ---- presentation ---------------------------------------------------------

  /** Python's repr, with symbolic family and type names. */
  toString(): string {
    return describe(this.#core, this.#closed, this[kScratch]());
  }

  [inspect.custom](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return 'socket';
  }
}

import { constants as osConstants } from 'node:os';
const osErrno = osConstants.errno as Record<string, number | undefined>;

function toIntInRange(caller: string, what: string, v: unknown): number {
  const n = toInt(caller, what, v);
  if (n < 0 || n > 0x7fffffff) throw new RangeError(`${caller}(): ${what} out of range`);
  return n;
}

/** The byte count of recv_into/recvfrom_into (shared with the async twins). */
export function nbytesFor(caller: string, view: Uint8Array, nbytes: unknown, tooBig: string): number {
  if (nbytes === undefined || nbytes === 0) return view.length;
  const n = toInt(caller, 'nbytes', nbytes);
  if (n < 0) throw new RangeError(`negative buffersize in ${caller}`);
  if (n > view.length) throw new RangeError(tooBig);
  return n;
}

/** Python's `socket.SocketType`: the socket class itself. */
export { Socket as SocketType };

/**
 * Creates a socket: Python's `socket.socket(family, type, proto, fileno)`.
 * @syscall socket(2)
 * @throws {OSError} EAFNOSUPPORT, EPROTONOSUPPORT, EACCES · {TypeError}
 */
export function socket(family?: number | null, type?: number | null, proto?: number | null,
  fileno?: number | null): Socket {
  return new Socket(family, type, proto, fileno);
}

/**
 * A pair of connected sockets (default AF_UNIX, SOCK_STREAM), both with the default timeout.
 * @syscall socketpair(2) SOCK_CLOEXEC
 * @throws {OSError} EAFNOSUPPORT, EOPNOTSUPP (e.g. AF_INET)
 */
export function socketpair(family?: number | null, type?: number | null, proto?: number | null): [Socket, Socket] {
  const fam = family === undefined || family === null ? AF_UNIX : toCInt('socketpair', 'family', family);
  const typ = type === undefined || type === null ? SOCK_STREAM : toCInt('socketpair', 'type', type);
  const pro = proto === undefined || proto === null ? 0 : toCInt('socketpair', 'proto', proto);
  const out = new Int32Array(2);
  const r = native.socketpair(fam, typ, pro, out);
  if (r < 0) throw errnoError(-r, 'socketpair');
  const t = (SOCK_NONBLOCK !== undefined && (typ & SOCK_NONBLOCK) !== 0) ? 0 : getdefaulttimeout();
  const bare = typ & ~TYPE_FLAGS;
  return [adoptSocket(out[0]!, fam, bare, pro, t), adoptSocket(out[1]!, fam, bare, pro, t)];
}

/**
 * A socket on a duplicate of `fd` (the caller keeps `fd`).
 * @syscall fcntl(2) F_DUPFD_CLOEXEC
 * @throws {OSError} EBADF, ENOTSOCK
 */
export function fromfd(fd: number, family: number, type: number, proto = 0): Socket {
  const n = toInt('fromfd', 'fd', fd);
  // As CPython (os.dup(-1)): a negative descriptor is EBADF, not a range error.
  if (n < 0) throw errnoError(EBADF, 'dup');
  const r = native.dup(n);
  if (r < 0) throw errnoError(-r, 'dup');
  try {
    return new Socket(family, type, proto, r);
  } catch (e) {
    native.close(r);
    throw e;
  }
}

/**
 * Closes a descriptor number (Python's `socket.close(fd)`).
 * @syscall close(2)
 * @throws {OSError} EBADF · {TypeError} not an integer
 */
export function close(fd: number): void {
  if (typeof fd !== 'number' || !Number.isInteger(fd)) {
    throw new TypeError(`close(): fd must be an integer, not ${typeName(fd)}`);
  }
  if (fd < 0 || fd > 0x7fffffff) throw errnoError(EBADF, 'close');
  descriptorWillClose(fd);
  const r = native.close(fd);
  if (r < 0) throw errnoError(-r, 'close');
}

