/**
 * makefile(): file objects over a socket (Python's socket.makefile): a raw
 * SocketIO, wrapped in a BufferedReader / BufferedWriter / BufferedRWPair
 * unless unbuffered, wrapped in a TextIOWrapper unless binary. Arguments are
 * checked before anything is created, so a refused call leaves no reference
 * on the socket (CPython's leaks one until garbage collection).
 */
import type { Socket } from './socket.js';
import { typeName } from './validate.js';
import { DEFAULT_BUFFER_SIZE } from './io/common.js';
import { SocketIO } from './io/socketio.js';
import { BufferedReader, BufferedRWPair, BufferedWriter } from './io/buffered.js';
import { TextIOWrapper, checkEncoding, checkErrors, checkNewline } from './io/text.js';

export { SocketIO } from './io/socketio.js';
export { BufferedReader, BufferedWriter, BufferedRWPair, type PartialWriteError } from './io/buffered.js';
export { TextIOWrapper, type TextBuffer } from './io/text.js';
export { UnsupportedOperation, DEFAULT_BUFFER_SIZE } from './io/common.js';
export { UnicodeDecodeError, UnicodeEncodeError } from './io/codecs.js';

/**
 * Keyword arguments of makefile(). `encoding`, `errors` and `newline` apply
 * to text mode only and are ignored in binary mode, as in Python.
 * `buffering` may be given here instead of positionally.
 */
export interface MakefileOptions {
  buffering?: number | null;
  /** 'utf-8' (default), 'latin-1', 'ascii' and their Python aliases. */
  encoding?: string | null;
  /** 'strict' (default), 'replace', 'ignore', 'surrogateescape', 'backslashreplace'. */
  errors?: string | null;
  /** null (universal, translated), '' (universal, kept), '\n', '\r' or '\r\n'. */
  newline?: string | null;
}

/** A buffered binary file. */
export type BufferedFile = BufferedReader | BufferedWriter | BufferedRWPair;
/** A binary file: raw (buffering 0) or buffered. */
export type BinaryFile = SocketIO | BufferedFile;
/** Any object makefile() returns. */
export type SocketFile = BinaryFile | TextIOWrapper;

type BufferedFor<M extends string> = M extends `${string}w${string}`
  ? (M extends `${string}r${string}` ? BufferedRWPair : BufferedWriter)
  : BufferedReader;

/**
 * The type of `makefile(mode, buffering)`: a TextIOWrapper without 'b' in the
 * mode, the raw SocketIO for a literal buffering 0, else the buffered class
 * the mode calls for. A mode known only as `string` gives the union.
 */
export type MakefileResult<M extends string, B> =
  string extends M ? SocketFile
    : M extends `${string}b${string}`
      ? ([B] extends [0] ? SocketIO : 0 extends B ? SocketIO | BufferedFor<M> : BufferedFor<M>)
      : TextIOWrapper;

const OPTION_NAMES = new Set(['buffering', 'encoding', 'errors', 'newline']);

function isOptions(v: unknown): v is MakefileOptions {
  return typeof v === 'object' && v !== null;
}

/**
 * Builds makefile()'s file object (see Socket.makefile).
 * @throws {RangeError} invalid mode, "unbuffered streams must be binary", unknown
 *   encoding or error handler, illegal newline · {TypeError} wrong argument types
 */
export function makefileFor(sock: Socket, mode?: string | MakefileOptions, buffering?: number | null | MakefileOptions,
  options?: MakefileOptions): SocketFile {
  // The options object may stand in for any trailing positional.
  if (isOptions(mode)) {
    if (buffering !== undefined || options !== undefined) {
      throw new TypeError('makefile(): the options object must be the last argument');
    }
    options = mode;
    mode = undefined;
  } else if (isOptions(buffering)) {
    if (options !== undefined) throw new TypeError('makefile(): the options object must be the last argument');
    options = buffering;
    buffering = undefined;
  }
  const opts: MakefileOptions = options ?? {};
  if (!isOptions(opts)) throw new TypeError(`makefile(): options must be an object, not ${typeName(opts)}`);
  for (const key of Object.keys(opts)) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`makefile() got an unexpected keyword argument '${key}'`);
  }
  if (opts.buffering !== undefined) {
    if (buffering !== undefined) throw new TypeError("makefile() got multiple values for argument 'buffering'");
    buffering = opts.buffering;
  }

  const m = mode === undefined ? 'r' : mode;
  if (typeof m !== 'string') throw new TypeError(`makefile(): mode must be str, not ${typeName(m)}`);
  for (const ch of m) {
    if (ch !== 'r' && ch !== 'w' && ch !== 'b') {
      throw new RangeError(`invalid mode '${m}' (only r, w, b allowed)`);
    }
  }
  const writing = m.includes('w');
  const reading = m.includes('r') || !writing;
  const binary = m.includes('b');

  let size: number;
  if (buffering === undefined || buffering === null) {
    size = DEFAULT_BUFFER_SIZE;
  } else if (typeof buffering === 'number' && Number.isInteger(buffering)) {
    size = buffering < 0 ? DEFAULT_BUFFER_SIZE : buffering;
  } else {
    throw new TypeError(`makefile(): buffering must be an integer or null, not ${typeName(buffering)}`);
  }
  if (size === 0 && !binary) throw new RangeError('unbuffered streams must be binary');
  if (size > 0x7fffffff) throw new RangeError('makefile(): buffering is too large');
  // Text options are checked before the raw file takes its reference.
  let text: { encoding: string | null; errors: string; newline: string | null } | null = null;
  if (!binary) {
    checkEncoding(opts.encoding);
    text = {
      encoding: opts.encoding ?? null,
      errors: checkErrors(opts.errors),
      newline: checkNewline(opts.newline),
    };
  }

  const raw = new SocketIO(sock, (reading ? 'r' : '') + (writing ? 'w' : ''));
  if (size === 0) return raw;
  let buffer: BufferedFile;
  if (reading && writing) buffer = new BufferedRWPair(raw, size);
  else if (reading) buffer = new BufferedReader(raw, size);
  else buffer = new BufferedWriter(raw, size);
  if (text === null) return buffer;
  // buffering=1 is line buffering in text mode, as io.open() has it (CPython's
  // makefile gives a 1-byte buffer without line buffering).
  const file = new TextIOWrapper(buffer, text.encoding, text.errors, text.newline, size === 1);
  file.mode = m;
  return file;
}
