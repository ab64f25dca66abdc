/**
 * TextIOWrapper: strings over a buffered socket file (Python's
 * io.TextIOWrapper): decoding with an incremental decoder, universal
 * newlines on input, newline translation on output, and its own small
 * output buffer (flushed past 8 KiB, on flush(), on close(), and at each
 * newline when line-buffered).
 */
import { Buffer } from 'node:buffer';
import { toReadSize, IOBase, UnsupportedOperation, kRead1 } from './common.js';
import { ERROR_HANDLERS, lookupCodec, type Codec, type Decoder } from './codecs.js';
import type { BufferedReader, BufferedRWPair, BufferedWriter } from './buffered.js';
import { typeName } from '../validate.js';

const CHUNK_SIZE = 8192;

/** The binary files a TextIOWrapper can sit on. */
export type TextBuffer = BufferedReader | BufferedWriter | BufferedRWPair;

/** The text options of makefile(), checked. */
export interface TextOptions {
  encoding?: string | null;
  errors?: string | null;
  newline?: string | null;
  line_buffering?: boolean;
}

// IncrementalNewlineDecoder's bits for the kinds of newline seen.
const SEEN_LF = 1;
const SEEN_CR = 2;
const SEEN_CRLF = 4;
const NEWLINES: ReadonlyArray<string | string[] | null> = [
  null, '\n', '\r', ['\r', '\n'], '\r\n', ['\n', '\r\n'], ['\r', '\r\n'], ['\r', '\n', '\r\n'],
];

/** Checks `newline` as Python does. @throws {TypeError} not a string · {RangeError} not a newline */
export function checkNewline(newline: unknown): string | null {
  if (newline === undefined || newline === null) return null;
  if (typeof newline !== 'string') throw new TypeError(`newline must be str or None, not ${typeName(newline)}`);
  if (newline !== '' && newline !== '\n' && newline !== '\r' && newline !== '\r\n') {
    throw new RangeError(`illegal newline value: ${JSON.stringify(newline)}`);
  }
  return newline;
}

/** Checks `errors`. @throws {TypeError} not a string · {RangeError} unknown handler */
export function checkErrors(errors: unknown): string {
  if (errors === undefined || errors === null) return 'strict';
  if (typeof errors !== 'string') throw new TypeError(`errors must be str or None, not ${typeName(errors)}`);
  if (!ERROR_HANDLERS.has(errors)) throw new RangeError(`unknown error handler name '${errors}'`);
  return errors;
}

/** Checks `encoding` and finds its codec. @throws {TypeError} · {RangeError} unknown encoding */
export function checkEncoding(encoding: unknown): [string, Codec] {
  if (encoding === undefined || encoding === null) return ['utf-8', lookupCodec('utf-8')];
  if (typeof encoding !== 'string') throw new TypeError(`encoding must be str or None, not ${typeName(encoding)}`);
  return [encoding, lookupCodec(encoding)];
}

/**
 * A text file over a buffered socket file (`makefile('r')`, `makefile('w')`,
 * `makefile('rw')`). Lengths count UTF-16 code units (JavaScript string
 * length), where Python counts code points; read(n) never splits a surrogate
 * pair, so it may return n + 1 units.
 */
export class TextIOWrapper extends IOBase<string> {
  readonly #buffer: TextBuffer;
  readonly #encoding: string;
  readonly #codec: Codec;
  readonly #errors: string;
  readonly #newline: string | null;
  readonly #lineBuffering: boolean;
  #mode: string;
  // Reading: decoder, decoded text not yet returned, universal-newline state.
  readonly #decoder: Decoder | null;
  #decoded = '';
  #pos = 0;
  #pendingCR = false;
  #seen = 0;
  #atEnd = false;
  // Writing: encoded text not yet handed to the buffer.
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  /**
   * `new TextIOWrapper(buffer, encoding?, errors?, newline?, line_buffering?)`.
   * @syscall none
   * @throws {RangeError} unknown encoding or error handler, illegal newline · {TypeError}
   */
  constructor(buffer: TextBuffer, encoding?: string | null, errors?: string | null, newline?: string | null,
    line_buffering = false) {
    super();
    [this.#encoding, this.#codec] = checkEncoding(encoding);
    this.#errors = checkErrors(errors);
    this.#newline = checkNewline(newline);
    this.#lineBuffering = Boolean(line_buffering);
    this.#buffer = buffer;
    this.#mode = buffer.mode.replace('b', '');
    this.#decoder = buffer.readable() ? this.#codec.newDecoder(this.#errors) : null;
  }

  /** The mode makefile() was given ('r', 'w', 'rw', ...). */
  get mode(): string {
    return this.#mode;
  }

  /** @internal makefile() echoes the caller's mode, as Python sets `text.mode`. */
  set mode(m: string) {
    this.#mode = m;
  }

  /** The encoding name as given ('utf-8' when none was). */
  get encoding(): string {
    return this.#encoding;
  }

  /** The error handler ('strict' when none was given). */
  get errors(): string {
    return this.#errors;
  }

  /**
   * The kinds of newline read so far in universal-newline mode (newline null
   * or ''): null, one of '\n', '\r', '\r\n', or an array of several.
   */
  get newlines(): string | string[] | null {
    if (this.#newline !== null && this.#newline !== '') return null;
    const v = NEWLINES[this.#seen]!;
    return Array.isArray(v) ? [...v] : v;
  }

  /** Whether a write containing a newline flushes. */
  get line_buffering(): boolean {
    return this.#lineBuffering;
  }

  /** The binary file underneath. */
  get buffer(): TextBuffer {
    return this.#buffer;
  }

  /** The socket's descriptor, -1 once closed. */
  get name(): number {
    return this.#buffer.name;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#buffer.closed;
  }

  /** The socket's descriptor. @syscall none @throws {RangeError} closed file */
  fileno(): number {
    return this.#buffer.fileno();
  }

  /** @syscall none @throws {RangeError} "I/O operation on closed socket." */
  readable(): boolean {
    return this.#buffer.readable();
  }

  /** @syscall none @throws {RangeError} "I/O operation on closed socket." */
  writable(): boolean {
    return this.#buffer.writable();
  }

  /** Always false. @syscall none @throws {RangeError} "I/O operation on closed socket." */
  seekable(): boolean {
    return this.#buffer.seekable();
  }

  // ---- reading ----------------------------------------------------------------

  #checkReadable(): Decoder {
    this.checkClosed();
    if (this.#decoder === null) throw new UnsupportedOperation('not readable');
    return this.#decoder;
  }

  /**
   * Decodes the next chunk (one recv at most) and returns it after newline
   * handling; sets #atEnd at end of stream, and when a non-blocking socket has
   * nothing (Python's read1 returns b'' there too, which ends its reads).
   */
  #nextChunk(decoder: Decoder): string {
    const reader = this.#buffer as BufferedReader | BufferedRWPair;
    const bytes = reader[kRead1](CHUNK_SIZE);
    let text: string;
    if (bytes === null) {
      this.#atEnd = true;
      return '';
    }
    const eof = bytes.length === 0;
    this.#atEnd = eof;
    text = decoder.decode(bytes, eof);
    if (this.#newline === null || this.#newline === '') text = this.#universal(text, eof);
    return text;
  }

  /** Python's IncrementalNewlineDecoder: a trailing '\r' waits for a possible '\n'. */
  #universal(text: string, final: boolean): string {
    if (this.#pendingCR && (text.length > 0 || final)) {
      text = `\r${text}`;
      this.#pendingCR = false;
    }
    if (!final && text.endsWith('\r')) {
      text = text.slice(0, -1);
      this.#pendingCR = true;
    }
    if (text.includes('\r')) {
      const crlf = countOf(text, '\r\n');
      const cr = countOf(text, '\r') - crlf;
      const lf = countOf(text, '\n') - crlf;
      this.#seen |= (lf > 0 ? SEEN_LF : 0) | (cr > 0 ? SEEN_CR : 0) | (crlf > 0 ? SEEN_CRLF : 0);
      if (this.#newline === null) text = text.replace(/\r\n?/g, '\n');
    } else if (text.includes('\n')) {
      this.#seen |= SEEN_LF;
    }
    return text;
  }

  /** Appends freshly decoded text, dropping what was already returned. */
  #append(text: string): void {
    if (this.#pos >= this.#decoded.length) {
      this.#decoded = text;
    } else {
      this.#decoded = this.#decoded.slice(this.#pos) + text;
    }
    this.#pos = 0;
  }

  /**
   * Reads `size` characters (fewer at end of stream), or everything until
   * end of stream without `size` (or -1).
   * @syscall recv(2), as many as needed
   * @throws {UnicodeDecodeError} with errors 'strict' · {TimeoutError} · {OSError} ·
   *   {UnsupportedOperation} not readable · {RangeError} closed file
   */
  read(size?: number | null): string {
    const n = toReadSize('read', size);
    const decoder = this.#checkReadable();
    this.#atEnd = false;
    if (n < 0) {
      const parts = [this.#decoded.slice(this.#pos)];
      this.#decoded = '';
      this.#pos = 0;
      while (!this.#atEnd) parts.push(this.#nextChunk(decoder));
      return parts.join('');
    }
    while (this.#decoded.length - this.#pos < n && !this.#atEnd) this.#append(this.#nextChunk(decoder));
    let end = Math.min(this.#pos + n, this.#decoded.length);
    // Never hand out half of a surrogate pair.
    if (end > this.#pos && end < this.#decoded.length && isHigh(this.#decoded.charCodeAt(end - 1))) end++;
    const out = this.#decoded.slice(this.#pos, end);
    this.#pos = end;
    return out;
  }

  /**
   * One line with its terminator (up to `limit` characters when >= 0); ''
   * at end of stream. Which terminators end a line depends on `newline`: any
   * of '\n', '\r', '\r\n' for null (translated to '\n') and '' (kept), else
   * only the one given.
   * @syscall recv(2), as many as needed
   * @throws as read()
   */
  readline(limit?: number | null): string {
    const max = toReadSize('readline', limit);
    const decoder = this.#checkReadable();
    this.#atEnd = false;
    const head = this.#decoded;
    const start = this.#pos;
    let [found, safe] = this.#findLineEnd(head, start);
    if (found >= 0 || (max >= 0 && head.length - start >= max)) {
      const end = found >= 0 && (max < 0 || found - start <= max) ? found : start + max;
      this.#pos = end;
      return head.slice(start, end);
    }
    // A long line: scan each new chunk once (plus the character or two that may
    // begin a line end) and join the parts at the end.
    const parts = [head.slice(start, safe)];
    let total = safe - start;
    let tail = head.slice(safe);
    this.#decoded = '';
    this.#pos = 0;
    for (;;) {
      const window = tail + this.#nextChunk(decoder);
      [found, safe] = this.#findLineEnd(window, 0);
      let end = -1;
      if (found >= 0) end = found;
      else if (this.#atEnd || (max >= 0 && total + window.length >= max)) end = window.length;
      if (end >= 0) {
        if (max >= 0 && total + end > max) end = max - total;
        parts.push(window.slice(0, end));
        this.#decoded = window;
        this.#pos = end;
        return parts.join('');
      }
      parts.push(window.slice(0, safe));
      total += safe;
      tail = window.slice(safe);
    }
  }

  /**
   * The index just past the first line end at or after `from`, or -1 with
   * the index up to which no line end can start (a partial '\r\n' waits).
   */
  #findLineEnd(text: string, from: number): [number, number] {
    const nl = this.#newline;
    if (nl === null || nl === '\n') {
      const i = text.indexOf('\n', from);
      return [i < 0 ? -1 : i + 1, text.length];
    }
    if (nl === '') {
      for (let i = from; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x0a) return [i + 1, i];
        if (c === 0x0d) {
          if (i + 1 < text.length) return [text.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1, i];
          // A '\r' last: wait for what follows, unless nothing will.
          return this.#atEnd ? [i + 1, i] : [-1, i];
        }
      }
      return [-1, text.length];
    }
    const i = text.indexOf(nl, from);
    if (i >= 0) return [i + nl.length, i];
    return [-1, Math.max(from, text.length - nl.length + 1)];
  }

  // ---- writing -----------------------------------------------------------------

  /**
   * Encodes and buffers `s` ('\n' becomes `newline` when that is '\r' or
   * '\r\n'); returns s.length. The bytes go to the socket past 8 KiB, on
   * flush() and close(), and at each newline when line-buffered.
   * @syscall send(2), when flushing
   * @throws {TypeError} not a string · {UnicodeEncodeError} with errors 'strict' ·
   *   {UnsupportedOperation} not writable · {RangeError} closed file · {OSError}
   */
  write(s: string): number {
    if (typeof s !== 'string') throw new TypeError(`write() argument must be str, not ${typeName(s)}`);
    this.checkClosed();
    if (!this.#buffer.writable()) throw new UnsupportedOperation('not writable');
    const length = s.length;
    const nl = this.#newline;
    const haslf = (nl !== '' || this.#lineBuffering) && s.includes('\n');
    if (haslf && (nl === '\r' || nl === '\r\n')) s = s.replaceAll('\n', nl);
    const needflush = this.#lineBuffering && (haslf || s.includes('\r'));
    const bytes = this.#codec.encode(s, this.#errors);
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= CHUNK_SIZE || needflush) this.#writeFlush();
    if (needflush) this.#buffer.flush();
    return length;
  }

  #writeFlush(): void {
    if (this.#pendingBytes === 0) return;
    const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#buffer.write(data);
  }

  /**
   * Sends everything written so far.
   * @syscall send(2)
   * @throws {BlockingIOError} non-blocking socket full · {OSError} · {RangeError} closed file
   */
  flush(): void {
    this.checkClosed();
    this.#writeFlush();
    this.#buffer.flush();
  }

  /**
   * Flushes, then closes the file (the file closes even when the flush fails).
   * Idempotent. The socket closes only if it was closed and this was its last file.
   * @syscall send(2) for pending text; close(2) when this was the last reference of a closed socket
   * @throws {OSError} from the flush
   */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.#buffer.close();
      this.#decoded = '';
      this.#pos = 0;
    }
  }

  override toString(): string {
    return `<TextIOWrapper name=${this.name} mode='${this.#mode}' encoding='${this.#encoding}'>`;
  }
}

function isHigh(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

function countOf(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}
