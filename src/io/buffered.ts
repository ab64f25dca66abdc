/**
 * Buffered files over a SocketIO (Python's io.BufferedReader, BufferedWriter
 * and BufferedRWPair, with the C implementation's semantics): a reader keeps
 * one buffer of `buffer_size` bytes and refills it with one recv; a writer
 * collects small writes and sends them when the buffer would overflow, on
 * flush() and on close().
 */
import { Buffer } from 'node:buffer';
import { BlockingIOError } from '../errors.js';
import { EAGAIN } from '../deadline.js';
import { toBytes, toWritableBytes } from '../validate.js';
import {
  DEFAULT_BUFFER_SIZE, GrowBuf, IOBase, UnsupportedOperation, copyOut, kRead1, kReadAt, kWriteAt,
  toReadSize,
} from './common.js';
import type { SocketIO } from './socketio.js';

/** A BlockingIOError that says how many bytes were taken (Python's characters_written). */
export type PartialWriteError = BlockingIOError & { characters_written: number };

function blockingWrite(written: number): PartialWriteError {
  const e = new BlockingIOError(EAGAIN, 'write could not complete without blocking', { syscall: 'send' });
  return Object.assign(e, { characters_written: written });
}

function checkBufferSize(v: unknown): number {
  if (v === undefined || v === null) return DEFAULT_BUFFER_SIZE;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`buffer_size must be an integer, not ${typeof v}`);
  }
  if (v <= 0) throw new RangeError('buffer size must be strictly positive');
  if (v > 0x7fffffff) throw new RangeError('buffer size is too large');
  return v;
}

/** Index of the first '\n' in buf[from, to), or -1. */
function indexNL(buf: Buffer, from: number, to: number): number {
  if (from >= to) return -1;
  // indexOf scans to the end of the buffer; past a small tail, bound it with a view.
  if (buf.length - to > 4096) {
    const i = buf.subarray(from, to).indexOf(0x0a);
    return i < 0 ? -1 : from + i;
  }
  const i = buf.indexOf(0x0a, from);
  return i >= 0 && i < to ? i : -1;
}

/**
 * The common face of the buffered files: name, mode, fileno and the
 * capability checks come from the raw SocketIO, as in Python.
 */
abstract class BufferedBase extends IOBase<Buffer> {
  protected readonly rawIO: SocketIO;
  readonly #size: number;

  protected constructor(raw: SocketIO, bufferSize: unknown) {
    super();
    this.rawIO = raw;
    this.#size = checkBufferSize(bufferSize);
  }

  /** The raw SocketIO underneath. */
  get raw(): SocketIO {
    return this.rawIO;
  }

  /** The buffer's size in bytes. */
  get buffer_size(): number {
    return this.#size;
  }

  /** The raw file's mode: 'rb', 'wb' or 'rwb'. */
  get mode(): string {
    return this.rawIO.mode;
  }

  /** The socket's descriptor, -1 once closed. */
  get name(): number {
    return this.rawIO.name;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.rawIO.closed;
  }

  /** The socket's descriptor. @syscall none @throws {RangeError} closed file */
  fileno(): number {
    return this.rawIO.fileno();
  }

  /** @syscall none @throws {RangeError} "I/O operation on closed socket." */
  readable(): boolean {
    return this.rawIO.readable();
  }

  /** @syscall none @throws {RangeError} "I/O operation on closed socket." */
  writable(): boolean {
    return this.rawIO.writable();
  }

  /** Always false. @syscall none @throws {RangeError} "I/O operation on closed socket." */
  seekable(): boolean {
    return this.rawIO.seekable();
  }

  override toString(): string {
    return `<${this.constructor.name} name=${this.name}>`;
  }
}

/**
 * Reads a socket through a buffer (`makefile('rb')`). read(n) waits for n
 * bytes or end of stream; read1/peek/readinto1 make at most one recv.
 * Methods return null where a non-blocking socket has no data, as Python's
 * return None.
 */
export class BufferedReader extends BufferedBase {
  #buf: Buffer;
  #pos = 0;
  #end = 0;
  #line: GrowBuf | null = null;

  /**
   * @syscall none
   * @throws {RangeError} buffer_size <= 0
   */
  constructor(raw: SocketIO, buffer_size: number = DEFAULT_BUFFER_SIZE) {
    super(raw, buffer_size);
    this.#buf = Buffer.allocUnsafeSlow(this.buffer_size);
  }

  /** One recv into the free end of the buffer: the count, 0 at EOF, -2 when it would block. */
  #fill(): number {
    if (this.#pos === this.#end) this.#pos = this.#end = 0;
    const r = this.rawIO[kReadAt](this.#buf, this.#end, this.#buf.length - this.#end);
    if (r === null) return -2;
    this.#end += r;
    return r;
  }

  /** `n` buffered bytes out as a new Buffer. */
  #take(n: number): Buffer {
    const out = copyOut(this.#buf, this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /**
   * Reads `size` bytes, waiting for them (fewer only at end of stream or, on a
   * non-blocking socket, when no more are there; null when none were).
   * Without `size` (or -1), reads until end of stream.
   * @syscall recv(2), as many as needed
   * @throws {TimeoutError} · {OSError} "cannot read from timed out object", ECONNRESET ·
   *   {RangeError} closed file, size < -1
   */
  read(size?: number | null): Buffer | null {
    const n = toReadSize('read', size);
    if (n < -1) throw new RangeError('read length must be non-negative or -1');
    this.checkClosed('read of closed file');
    if (n === -1) return this.#readAll();
    const have = this.#end - this.#pos;
    if (n <= have) return this.#take(n);
    const out = Buffer.allocUnsafe(n);
    let written = this.#buf.copy(out, 0, this.#pos, this.#end);
    this.#pos = this.#end = 0;
    let remaining = n - written;
    // Whole buffer-sized blocks go straight into the result, the tail through the buffer.
    const size0 = this.buffer_size;
    let direct = remaining - (remaining % size0);
    while (direct > 0) {
      const r = this.rawIO[kReadAt](out, written, direct);
      if (r === null || r === 0) {
        if (r === null && written === 0) return null;
        return out.subarray(0, written);
      }
      written += r;
      remaining -= r;
      direct = remaining - (remaining % size0);
    }
    while (remaining > 0) {
      const r = this.#fill();
      if (r === 0 || r === -2) {
        if (r === -2 && written === 0) return null;
        return out.subarray(0, written);
      }
      const k = Math.min(r, remaining);
      this.#buf.copy(out, written, this.#pos, this.#pos + k);
      this.#pos += k;
      written += k;
      remaining -= k;
    }
    return out;
  }

  #readAll(): Buffer | null {
    const acc = new GrowBuf(Math.max(DEFAULT_BUFFER_SIZE, this.#end - this.#pos));
    acc.push(this.#buf, this.#pos, this.#end);
    this.#pos = this.#end = 0;
    return acc.drain((buf, off, n) => this.rawIO[kReadAt](buf, off, n));
  }

  /**
   * At most `size` bytes (default: buffer_size) with at most one recv: the
   * buffered bytes if there are any, else one recv. Empty at end of stream
   * and, as in Python, when a non-blocking socket has nothing.
   * @syscall recv(2), at most one
   * @throws as read()
   */
  read1(size?: number | null): Buffer {
    return this[kRead1](size) ?? Buffer.alloc(0);
  }

  /** @internal read1() that returns null instead of b'' when a non-blocking socket would block. */
  [kRead1](size?: number | null): Buffer | null {
    let n = toReadSize('read1', size);
    this.checkClosed('read of closed file');
    if (n < 0) n = this.buffer_size;
    if (n === 0) return Buffer.alloc(0);
    const have = this.#end - this.#pos;
    if (have > 0) return this.#take(Math.min(have, n));
    this.#pos = this.#end = 0;
    // One recv straight into the result, as CPython: nothing is read ahead.
    const out = Buffer.allocUnsafe(n);
    const r = this.rawIO[kReadAt](out, 0, n);
    if (r === null) return null;
    return n > 4096 && r < n >>> 1 ? Buffer.from(out.subarray(0, r)) : out.subarray(0, r);
  }

  /**
   * The buffered bytes without consuming them; one recv when the buffer is
   * empty. `size` is ignored, as in Python (at least one byte unless EOF).
   * @syscall recv(2), at most one
   * @throws as read()
   */
  peek(_size?: number | null): Buffer {
    this.checkClosed('peek of closed file');
    if (this.#end === this.#pos) {
      this.#pos = this.#end = 0;
      this.#fill();
    }
    return Buffer.from(this.#buf.subarray(this.#pos, this.#end));
  }

  /**
   * Fills `b` (waits for b.byteLength bytes or end of stream); returns the
   * count, null when a non-blocking socket had nothing.
   * @syscall recv(2), as many as needed
   * @throws as read() · {TypeError} not a writable buffer
   */
  readinto(b: ArrayBufferView | ArrayBuffer): number | null {
    return this.#readinto(toWritableBytes('readinto', b), false);
  }

  /**
   * Like readinto() with at most one recv.
   * @syscall recv(2), at most one
   * @throws as readinto()
   */
  readinto1(b: ArrayBufferView | ArrayBuffer): number | null {
    return this.#readinto(toWritableBytes('readinto1', b), true);
  }

  #readinto(view: Uint8Array, once: boolean): number | null {
    this.checkClosed('readinto of closed file');
    const len = view.byteLength;
    const have = this.#end - this.#pos;
    if (len <= have) {
      view.set(this.#buf.subarray(this.#pos, this.#pos + len));
      this.#pos += len;
      return len;
    }
    let written = have;
    if (have > 0) view.set(this.#buf.subarray(this.#pos, this.#end));
    this.#pos = this.#end = 0;
    while (written < len) {
      const remaining = len - written;
      let r: number;
      if (remaining > this.buffer_size) {
        const got = this.rawIO[kReadAt](view, written, remaining);
        r = got === null ? -2 : got;
      } else if (!(once && written > 0)) {
        r = this.#fill();
        if (r > 0) {
          const k = Math.min(r, remaining);
          view.set(this.#buf.subarray(this.#pos, this.#pos + k), written);
          this.#pos += k;
          written += k;
          continue;
        }
      } else {
        r = 0;
      }
      if (r === 0 || (r === -2 && written > 0)) break;
      if (r === -2) return null;
      written += r;
      if (once) break;
    }
    return written;
  }

  /**
   * One line, with its '\n' (up to `limit` bytes when >= 0). Empty at end of
   * stream; on a non-blocking socket, the bytes there were.
   * @syscall recv(2), as many as needed
   * @throws as read()
   */
  readline(limit?: number | null): Buffer {
    const max = toReadSize('readline', limit);
    this.checkClosed('readline of closed file');
    // Fast path: the whole line is in the buffer.
    let stop = max >= 0 ? Math.min(this.#end, this.#pos + max) : this.#end;
    let nl = indexNL(this.#buf, this.#pos, stop);
    if (nl >= 0) return this.#take(nl + 1 - this.#pos);
    if (max >= 0 && this.#end - this.#pos >= max) return this.#take(max);
    const acc = (this.#line ??= new GrowBuf(Math.min(this.buffer_size, DEFAULT_BUFFER_SIZE)));
    acc.len = 0;
    acc.push(this.#buf, this.#pos, this.#end);
    this.#pos = this.#end = 0;
    for (;;) {
      const r = this.#fill();
      if (r <= 0) break;
      const want = max >= 0 ? max - acc.len : r;
      stop = Math.min(this.#end, this.#pos + want);
      nl = indexNL(this.#buf, this.#pos, stop);
      const found = nl >= 0;
      const end = found ? nl + 1 : stop;
      acc.push(this.#buf, this.#pos, end);
      this.#pos = end;
      if (found || (max >= 0 && acc.len >= max)) break;
    }
    const line = acc.take();
    // Do not keep a huge line's buffer alive between calls.
    if (acc.buf.length > 4 * DEFAULT_BUFFER_SIZE) this.#line = null;
    return line;
  }

  /** A reader does not write. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  write(_b: ArrayBufferView | ArrayBuffer): number | null {
    this.checkClosed('write to closed file');
    throw new UnsupportedOperation('write');
  }

  /** Nothing to send. @syscall none @throws {RangeError} closed file */
  flush(): void {
    this.rawIO.flush();
  }

  /**
   * Closes the file (not the socket, unless the socket was closed and this
   * was its last file). Idempotent.
   * @syscall close(2) when this was the last reference of a closed socket
   */
  close(): void {
    if (this.rawIO.closed) return;
    this.rawIO.close();
    this.#buf = Buffer.alloc(0);
    this.#pos = this.#end = 0;
    this.#line = null;
  }
}

/**
 * Writes to a socket through a buffer (`makefile('wb')`). write() takes all
 * the bytes (or throws); they are sent once the buffer would overflow, and on
 * flush() and close().
 */
export class BufferedWriter extends BufferedBase {
  #buf: Buffer;
  #start = 0;
  #len = 0;

  /**
   * @syscall none
   * @throws {RangeError} buffer_size <= 0
   */
  constructor(raw: SocketIO, buffer_size: number = DEFAULT_BUFFER_SIZE) {
    super(raw, buffer_size);
    this.#buf = Buffer.allocUnsafeSlow(this.buffer_size);
  }

  /**
   * Buffers `b`, sending first what the buffer holds when `b` does not fit,
   * and sending large writes directly. Returns b's length. On a non-blocking
   * socket that cannot take the bytes, buffers what fits and throws a
   * BlockingIOError whose `characters_written` says how many of b's bytes
   * were taken.
   * @syscall send(2), when the buffer overflows
   * @throws {BlockingIOError} (non-blocking) · {BrokenPipeError} · {TimeoutError} · {OSError} ·
   *   {RangeError} closed file · {TypeError} not bytes-like
   */
  write(b: ArrayBufferView | ArrayBuffer): number {
    const bytes = toBytes('write', b);
    this.checkClosed('write to closed file');
    const len = bytes.byteLength;
    const size = this.#buf.length;
    if (this.#start === this.#len) this.#start = this.#len = 0;
    if (len <= size - this.#len) {
      this.#buf.set(bytes, this.#len);
      this.#len += len;
      return len;
    }
    try {
      this.#flushBuffer();
    } catch (e) {
      if (!(e instanceof BlockingIOError)) throw e;
      // Non-blocking and the socket is full: keep as much as fits, say how much.
      this.#compact();
      const avail = size - this.#len;
      if (len <= avail) {
        this.#buf.set(bytes, this.#len);
        this.#len += len;
        return len;
      }
      this.#buf.set(bytes.subarray(0, avail), this.#len);
      this.#len += avail;
      throw blockingWrite(avail);
    }
    let written = 0;
    while (len - written > size) {
      const r = this.rawIO[kWriteAt](bytes, written, len - written);
      if (r === null) {
        // Buffer what fits; when not all of the rest does, say how much was taken.
        if (len - written > size) {
          this.#buf.set(bytes.subarray(written, written + size), 0);
          this.#start = 0;
          this.#len = size;
          throw blockingWrite(written + size);
        }
        break;
      }
      written += r;
    }
    this.#buf.set(bytes.subarray(written), 0);
    this.#start = 0;
    this.#len = len - written;
    return len;
  }

  /** Moves the unsent bytes to the front of the buffer. */
  #compact(): void {
    if (this.#start === 0) return;
    this.#buf.copy(this.#buf, 0, this.#start, this.#len);
    this.#len -= this.#start;
    this.#start = 0;
  }

  #flushBuffer(): void {
    while (this.#start < this.#len) {
      const r = this.rawIO[kWriteAt](this.#buf, this.#start, this.#len - this.#start);
      if (r === null) throw blockingWrite(0);
      this.#start += r;
    }
    this.#start = this.#len = 0;
  }

  /**
   * Sends every buffered byte.
   * @syscall send(2), until the buffer is empty
   * @throws {BlockingIOError} non-blocking socket full (the rest stays buffered) ·
   *   {BrokenPipeError} · {TimeoutError} · {OSError} · {RangeError} closed file
   */
  flush(): void {
    this.checkClosed('flush of closed file');
    this.#flushBuffer();
  }

  /** A writer does not read. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  read(_size?: number | null): Buffer | null {
    this.checkClosed('read of closed file');
    throw new UnsupportedOperation('read');
  }

  /** A writer does not read. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  read1(_size?: number | null): Buffer {
    this.checkClosed('read of closed file');
    throw new UnsupportedOperation('read1');
  }

  /** A writer does not read. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  readinto(_b: ArrayBufferView | ArrayBuffer): number | null {
    this.checkClosed('readinto of closed file');
    throw new UnsupportedOperation('readinto');
  }

  /** A writer does not read. @syscall none @throws {UnsupportedOperation} always · {RangeError} closed file */
  readline(_limit?: number | null): Buffer {
    this.checkClosed('readline of closed file');
    throw new UnsupportedOperation('read');
  }

  /**
   * Flushes, then closes the file (the raw file closes even when the flush
   * fails; the flush's error is thrown afterwards). Idempotent.
   * @syscall send(2) for the buffered bytes; close(2) when this was the last
   *   reference of a closed socket
   * @throws {OSError} from the flush
   */
  close(): void {
    if (this.rawIO.closed) return;
    try {
      this.flush();
    } finally {
      this.rawIO.close();
      this.#buf = Buffer.alloc(0);
      this.#start = this.#len = 0;
    }
  }
}

/**
 * A reader and a writer on one SocketIO (`makefile('rwb')`): reads go
 * through one buffer, writes through another. Unlike Python's, it has
 * name, mode ('rwb') and fileno(), taken from the socket.
 */
export class BufferedRWPair extends BufferedBase {
  readonly #reader: BufferedReader;
  readonly #writer: BufferedWriter;

  /**
   * @syscall none
   * @throws {RangeError} buffer_size <= 0
   */
  constructor(raw: SocketIO, buffer_size: number = DEFAULT_BUFFER_SIZE) {
    super(raw, buffer_size);
    this.#reader = new BufferedReader(raw, buffer_size);
    this.#writer = new BufferedWriter(raw, buffer_size);
  }

  /** See BufferedReader.read. @syscall recv(2) @throws as BufferedReader.read */
  read(size?: number | null): Buffer | null {
    return this.#reader.read(size);
  }

  /** See BufferedReader.read1. @syscall recv(2), at most one @throws as BufferedReader.read */
  read1(size?: number | null): Buffer {
    return this.#reader.read1(size);
  }

  /** @internal */
  [kRead1](size?: number | null): Buffer | null {
    return this.#reader[kRead1](size);
  }

  /** See BufferedReader.peek. @syscall recv(2), at most one @throws as BufferedReader.read */
  peek(size?: number | null): Buffer {
    return this.#reader.peek(size);
  }

  /** See BufferedReader.readinto. @syscall recv(2) @throws as BufferedReader.readinto */
  readinto(b: ArrayBufferView | ArrayBuffer): number | null {
    return this.#reader.readinto(b);
  }

  /** See BufferedReader.readinto1. @syscall recv(2), at most one @throws as BufferedReader.readinto */
  readinto1(b: ArrayBufferView | ArrayBuffer): number | null {
    return this.#reader.readinto1(b);
  }

  /** See BufferedReader.readline. @syscall recv(2) @throws as BufferedReader.read */
  readline(limit?: number | null): Buffer {
    return this.#reader.readline(limit);
  }

  /** See BufferedWriter.write. @syscall send(2) when the buffer overflows @throws as BufferedWriter.write */
  write(b: ArrayBufferView | ArrayBuffer): number {
    return this.#writer.write(b);
  }

  /** See BufferedWriter.flush. @syscall send(2) @throws as BufferedWriter.flush */
  flush(): void {
    this.#writer.flush();
  }

  /**
   * Flushes the writer, then closes. Idempotent.
   * @syscall send(2), close(2) when this was the last reference of a closed socket
   * @throws {OSError} from the flush
   */
  close(): void {
    try {
      this.#writer.close();
    } finally {
      this.#reader.close();
    }
  }
}
