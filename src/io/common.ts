/**
 * Pieces shared by the makefile() file objects: the error classes of Python's
 * `io` module, the closed-file checks, the growable buffer of the hot loops,
 * and the base class that gives every file readlines(), iteration and
 * disposal.
 */
import { Buffer } from 'node:buffer';
import { OSError } from '../errors.js';

/** Python's `io.DEFAULT_BUFFER_SIZE`. */
export const DEFAULT_BUFFER_SIZE = 8192;

/**
 * Python's `io.UnsupportedOperation`: the operation does not apply to this
 * kind of file (reading a write-only file, `fileno()` where there is none).
 * Python's class derives from both OSError and ValueError; here it is an
 * OSError (errno null), so `catch (e) { if (e instanceof OSError) ... }`
 * catches it as Python's `except OSError` does.
 */
export class UnsupportedOperation extends OSError {
  constructor(message: string) {
    super(message);
  }
}

/** Python's ValueError for operations on a closed file (a RangeError here). */
export function closedFile(message = 'I/O operation on closed file.'): RangeError {
  return new RangeError(message);
}

/**
 * `sock.makefile()`'s internal entry points on SocketIO: receive into / send
 * from a region of a buffer without making a view, returning null where the
 * socket is non-blocking and would block. Not part of the public contract.
 */
export const kReadAt: unique symbol = Symbol('bsd-socket.io.readAt');
export const kWriteAt: unique symbol = Symbol('bsd-socket.io.writeAt');
/**
 * BufferedReader's read1 that tells "would block" (null) from end of file
 * (empty Buffer); the text layer needs the difference so that a non-blocking
 * socket does not end a multi-byte character early.
 */
export const kRead1: unique symbol = Symbol('bsd-socket.io.read1');

const typedSlice = Uint8Array.prototype.slice;

/**
 * A new Buffer holding a copy of buf[start, end). TypedArray's own slice (a
 * Buffer through the species) is the fastest copy for the small results of
 * readline(): one allocation and one memcpy.
 */
export function copyOut(buf: Buffer, start: number, end: number): Buffer {
  return typedSlice.call(buf, start, end) as Buffer;
}

/**
 * A byte buffer that grows by doubling. The readers collect lines and
 * read-all results in one of these instead of concatenating chunks.
 */
export class GrowBuf {
  buf: Buffer;
  len = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(capacity, 64));
  }

  /** Makes room for `n` more bytes after `len`. */
  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends `src[start, end)`. */
  push(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    this.reserve(n);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += n;
  }

  /**
   * Reads from `readAt` until end of stream (Python's readall loop). Returns
   * the contents, or null when a non-blocking source had nothing at all.
   */
  drain(readAt: (buf: Uint8Array, off: number, n: number) => number | null): Buffer | null {
    for (;;) {
      this.reserve(DEFAULT_BUFFER_SIZE);
      const r = readAt(this.buf, this.len, this.buf.length - this.len);
      if (r === null) {
        if (this.len === 0) return null;
        break;
      }
      if (r === 0) break;
      this.len += r;
    }
    return this.take();
  }

  /** An exact-size copy of the contents; the buffer is then empty again. */
  take(): Buffer {
    const out = copyOut(this.buf, 0, this.len);
    this.len = 0;
    return out;
  }
}

/** The size argument of read()/readline(): undefined/null mean -1 (all). */
export function toReadSize(caller: string, v: unknown): number {
  if (v === undefined || v === null) return -1;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const t = typeof v === 'number' ? 'float' : typeof v === 'string' ? 'str' : typeof v;
  throw new TypeError(`${caller}(): argument should be integer or null, not '${t}'`);
}

/**
 * What every file object has, whatever it carries (T is Buffer or string):
 * readlines(), writelines(), line iteration and `using` support, built on the
 * subclass's readline(), write() and close() (Python's io.IOBase).
 */
export abstract class IOBase<T extends Buffer | string> implements Disposable, Iterable<T> {
  /** True once close() was called. */
  abstract get closed(): boolean;
  /** Closes the file; a no-op when already closed. */
  abstract close(): void;
  /** Reads one line (up to `limit` when it is >= 0), including its terminator. */
  abstract readline(limit?: number | null): T;
  /** Writes data; returns how much was taken. */
  abstract write(data: T extends string ? string : ArrayBufferView | ArrayBuffer): number | null;

  /**
   * Reads lines until end of file, or until their total length reaches `hint`
   * (when it is > 0).
   * @syscall recv(2) (through readline)
   * @throws {RangeError} closed file · {UnsupportedOperation} not readable · {OSError}
   */
  readlines(hint?: number | null): T[] {
    const h = toReadSize('readlines', hint);
    this.checkClosed();
    const lines: T[] = [];
    let total = 0;
    for (let line = this.readline(); line.length > 0; line = this.readline()) {
      lines.push(line);
      total += line.length;
      if (h > 0 && total >= h) break;
    }
    return lines;
  }

  /**
   * Writes each item with write().
   * @syscall send(2) (through write)
   * @throws {RangeError} closed file · {UnsupportedOperation} not writable · {OSError}
   */
  writelines(lines: Iterable<T extends string ? string : ArrayBufferView | ArrayBuffer>): void {
    this.checkClosed();
    for (const line of lines) this.write(line);
  }

  /** Throws Python's ValueError (a RangeError) when the file is closed. */
  protected checkClosed(message?: string): void {
    if (this.closed) throw closedFile(message);
  }

  /** Whether the file is a terminal: never, for a socket. @syscall none @throws {RangeError} closed file */
  isatty(): boolean {
    this.checkClosed();
    return false;
  }

  /** Sockets cannot seek. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  seek(_offset: number, _whence?: number): number {
    this.checkClosed();
    throw new UnsupportedOperation('seek');
  }

  /** Sockets have no position. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  tell(): number {
    this.checkClosed();
    throw new UnsupportedOperation('tell');
  }

  /** Sockets cannot be truncated. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  truncate(_size?: number | null): number {
    this.checkClosed();
    throw new UnsupportedOperation('truncate');
  }

  /**
   * Lines until end of file: `for (const line of f)`. Each step is a readline().
   * @syscall recv(2) (through readline) @throws as readline()
   */
  *[Symbol.iterator](): Iterator<T> {
    this.checkClosed();
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** Closes the file at the end of a `using` block. @syscall close(2) on the last reference */
  [Symbol.dispose](): void {
    this.close();
  }
}
