/**
 * SocketIO: the raw file over a socket (Python's `socket.SocketIO`, a
 * RawIOBase). Every read is one recv(2), every write one send(2); nothing is
 * read ahead, so two unbuffered files on one socket never steal each other's
 * bytes.
 */
import { Buffer } from 'node:buffer';
import { native } from '../native.js';
import { OSError, TimeoutError } from '../errors.js';
import { EAGAIN, EWOULDBLOCK, POLLIN, POLLOUT } from '../deadline.js';
import { kFd, kIoRef, kIoUnref, kWait } from '../internal.js';
import { toBytes, toWritableBytes } from '../validate.js';
import type { Socket } from '../socket.js';
import {
  DEFAULT_BUFFER_SIZE, GrowBuf, IOBase, UnsupportedOperation, closedFile, kReadAt, kWriteAt, toReadSize,
} from './common.js';

const RAW_MODES = new Set(['r', 'w', 'rw', 'rb', 'wb', 'rwb']);
// read(n) allocates n bytes up front; past this size a short read is copied out
// so that a read(65536) that got 10 bytes does not pin 64 KiB.
const POOL_LIMIT = 4096;

/**
 * The raw, unbuffered file of `makefile(mode, 0)`. Creating one counts as a
 * reference on the socket (Python's `_io_refs`); closing it drops the
 * reference, and the socket's descriptor closes with the last reference once
 * the socket itself was closed.
 */
export class SocketIO extends IOBase<Buffer> {
  #sock: Socket | null;
  readonly #mode: string;
  readonly #reading: boolean;
  readonly #writing: boolean;
  #timedOut = false;

  /**
   * `new SocketIO(sock, mode)`: mode is 'r', 'w', 'rw', optionally with 'b'.
   * @syscall none
   * @throws {RangeError} invalid mode
   */
  constructor(sock: Socket, mode: string) {
    super();
    if (typeof mode !== 'string' || !RAW_MODES.has(mode)) {
      throw new RangeError(`invalid mode: '${String(mode)}'`);
    }
    this.#sock = sock;
    this.#mode = mode.includes('b') ? mode : `${mode}b`;
    this.#reading = mode.includes('r');
    this.#writing = mode.includes('w');
    sock[kIoRef]();
  }

  /** 'rb', 'wb' or 'rwb'. */
  get mode(): string {
    return this.#mode;
  }

  /** The socket's descriptor while open, -1 once closed. */
  get name(): number {
    return this.#sock === null ? -1 : this.#sock.fileno();
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.#sock === null;
  }

  /**
   * Reads up to `b.byteLength` bytes into `b`: the count, 0 at end of stream,
   * null when the socket is non-blocking and has no data. After a read timed
   * out, every further read throws (the stream may have lost bytes).
   * @syscall recv(2) — waits readable under the socket's timeout
   * @throws {TimeoutError} deadline passed · {OSError} "cannot read from timed out object",
   *   ECONNRESET, EBADF · {UnsupportedOperation} not readable · {RangeError} closed file ·
   *   {TypeError} not a writable buffer
   */
  readinto(b: ArrayBufferView | ArrayBuffer): number | null {
    const view = toWritableBytes('readinto', b);
    return this[kReadAt](view, 0, view.length);
  }

  /**
   * Reads at most `size` bytes with one recv (all until end of stream when
   * `size` is -1 or not given). Null when non-blocking with no data.
   * @syscall recv(2)
   * @throws as readinto()
   */
  read(size?: number | null): Buffer | null {
    const n = toReadSize('read', size);
    if (n < 0) return this.readall();
    const buf = Buffer.allocUnsafe(n);
    const r = this[kReadAt](buf, 0, n);
    if (r === null) return null;
    if (n > POOL_LIMIT && r < n >>> 1) return Buffer.from(buf.subarray(0, r));
    return buf.subarray(0, r);
  }

  /**
   * Reads until end of stream. On a non-blocking socket, returns what was
   * there (null when nothing was).
   * @syscall recv(2), repeated
   * @throws as readinto()
   */
  readall(): Buffer | null {
    return new GrowBuf(DEFAULT_BUFFER_SIZE).drain((buf, off, n) => this[kReadAt](buf, off, n));
  }

  /**
   * Reads one line, one byte per recv so that nothing past the newline is
   * consumed (Python's RawIOBase.readline). A non-blocking socket that runs
   * dry returns the bytes read so far.
   * @syscall recv(2), one per byte
   * @throws as readinto()
   */
  readline(limit?: number | null): Buffer {
    const max = toReadSize('readline', limit);
    this.checkClosed();
    const acc = new GrowBuf(64);
    while (max < 0 || acc.len < max) {
      acc.reserve(1);
      const r = this[kReadAt](acc.buf, acc.len, 1);
      if (r === null || r === 0) break;
      acc.len += 1;
      if (acc.buf[acc.len - 1] === 0x0a) break;
    }
    return acc.take();
  }

  /**
   * Sends what one send(2) takes of `b`: the count (possibly short), or null
   * when the socket is non-blocking and its send buffer is full.
   * @syscall send(2) — waits writable under the socket's timeout
   * @throws {BrokenPipeError} · {ConnectionResetError} · {TimeoutError} · {OSError} ·
   *   {UnsupportedOperation} not writable · {RangeError} closed file · {TypeError} not bytes-like
   */
  write(b: ArrayBufferView | ArrayBuffer): number | null {
    const bytes = toBytes('write', b);
    return this[kWriteAt](bytes, 0, bytes.length);
  }

  /** @internal recv into `buf[off, off+n)`; null when a non-blocking socket would block. */
  [kReadAt](buf: Uint8Array, off: number, n: number): number | null {
    const sock = this.#sock;
    if (sock === null) throw closedFile();
    if (!this.#reading) throw new UnsupportedOperation('File or stream is not readable.');
    if (this.#timedOut) throw new OSError('cannot read from timed out object');
    const fd = sock[kFd]('recv_into');
    let deadline = -1;
    for (;;) {
      const r = native.recv(fd, buf, off, n, 0);
      if (r >= 0) return r;
      if ((-r === EAGAIN || -r === EWOULDBLOCK) && sock.timeout === 0) return null;
      try {
        deadline = sock[kWait](r, POLLIN, 'recv_into', deadline);
      } catch (e) {
        // The bytes in flight are unknown now: refuse further reads (bpo-7322).
        if (e instanceof TimeoutError) this.#timedOut = true;
        throw e;
      }
    }
  }

  /** @internal send from `buf[off, off+n)`; null when a non-blocking socket would block. */
  [kWriteAt](buf: Uint8Array, off: number, n: number): number | null {
    const sock = this.#sock;
    if (sock === null) throw closedFile();
    if (!this.#writing) throw new UnsupportedOperation('File or stream is not writable.');
    const fd = sock[kFd]('send');
    let deadline = -1;
    for (;;) {
      const r = native.send(fd, buf, off, n, 0);
      if (r >= 0) return r;
      if ((-r === EAGAIN || -r === EWOULDBLOCK) && sock.timeout === 0) return null;
      deadline = sock[kWait](r, POLLOUT, 'send', deadline);
    }
  }

  /**
   * True if the file reads. @syscall none
   * @throws {RangeError} "I/O operation on closed socket."
   */
  readable(): boolean {
    if (this.closed) throw closedFile('I/O operation on closed socket.');
    return this.#reading;
  }

  /**
   * True if the file writes. @syscall none
   * @throws {RangeError} "I/O operation on closed socket."
   */
  writable(): boolean {
    if (this.closed) throw closedFile('I/O operation on closed socket.');
    return this.#writing;
  }

  /**
   * Always false: sockets do not seek. @syscall none
   * @throws {RangeError} "I/O operation on closed socket."
   */
  seekable(): boolean {
    if (this.closed) throw closedFile('I/O operation on closed socket.');
    return false;
  }

  /**
   * The socket's descriptor.
   * @syscall none
   * @throws {RangeError} closed file
   */
  fileno(): number {
    this.checkClosed();
    return this.#sock!.fileno();
  }

  /** Nothing to flush on a raw file. @syscall none @throws {RangeError} closed file */
  flush(): void {
    this.checkClosed();
  }

  /**
   * Closes the file, not the socket: the socket's descriptor closes here only
   * if the socket was closed and this was its last file. Idempotent.
   * @syscall close(2) when this was the last reference of a closed socket
   * @throws {OSError} from that close(2)
   */
  close(): void {
    const sock = this.#sock;
    if (sock === null) return;
    this.#sock = null;
    sock[kIoUnref]();
  }

  override toString(): string {
    return `<socket.SocketIO name=${this.name} mode='${this.#mode}'${this.closed ? ' [closed]' : ''}>`;
  }
}
