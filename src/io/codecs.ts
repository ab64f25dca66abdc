/**
 * The text encodings of makefile()'s text mode: UTF-8, Latin-1 and ASCII,
 * with Python's error handlers (strict, replace, ignore, surrogateescape,
 * backslashreplace) and Python's messages. Valid input takes Node's native
 * paths (TextDecoder, Buffer.from); only input with errors walks byte by byte.
 * Positions in error messages count UTF-16 code units on the string side.
 */
import { Buffer } from 'node:buffer';

/** Python's UnicodeDecodeError (a ValueError there, so a RangeError here). */
export class UnicodeDecodeError extends RangeError {
  /** The codec's name ('utf-8'). */
  readonly encoding: string;
  /** The bytes being decoded. */
  readonly object: Buffer;
  /** The bad bytes are object[start, end). */
  readonly start: number;
  readonly end: number;
  readonly reason: string;

  constructor(encoding: string, object: Uint8Array, start: number, end: number, reason: string) {
    const at = end - start === 1
      ? `byte 0x${object[start]!.toString(16).padStart(2, '0')} in position ${start}`
      : `bytes in position ${start}-${end - 1}`;
    super(`'${encoding}' codec can't decode ${at}: ${reason}`);
    this.encoding = encoding;
    this.object = Buffer.from(object);
    this.start = start;
    this.end = end;
    this.reason = reason;
  }

  override get name(): string {
    return 'UnicodeDecodeError';
  }
}

/** Python's UnicodeEncodeError (a ValueError there, so a RangeError here). */
export class UnicodeEncodeError extends RangeError {
  readonly encoding: string;
  /** The string being encoded. */
  readonly object: string;
  /** The characters that cannot be encoded are object.slice(start, end). */
  readonly start: number;
  readonly end: number;
  readonly reason: string;

  constructor(encoding: string, object: string, start: number, end: number, reason: string) {
    const cp = object.codePointAt(start)!;
    const single = end - start === (cp > 0xffff ? 2 : 1);
    const at = single
      ? `character '${escapeChar(cp)}' in position ${start}`
      : `characters in position ${start}-${end - 1}`;
    super(`'${encoding}' codec can't encode ${at}: ${reason}`);
    this.encoding = encoding;
    this.object = object;
    this.start = start;
    this.end = end;
    this.reason = reason;
  }

  override get name(): string {
    return 'UnicodeEncodeError';
  }
}

/** Python's escape of a code point: \xNN, \uNNNN or \UNNNNNNNN. */
function escapeChar(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** The error handlers supported on both sides. */
export const ERROR_HANDLERS: ReadonlySet<string> = new Set(['strict', 'replace', 'ignore', 'surrogateescape',
  'backslashreplace']);

/** An incremental decoder: holds an incomplete trailing sequence until more bytes (or final) come. */
export interface Decoder {
  decode(input: Uint8Array, final: boolean): string;
}

/** One encoding. */
export interface Codec {
  /** Python's canonical name: 'utf-8', 'latin-1' or 'ascii'. */
  readonly name: string;
  newDecoder(errors: string): Decoder;
  encode(text: string, errors: string): Buffer;
}

/** Collects code units; the slow paths' string builder. */
class Units {
  #parts: string[] = [];
  #units: number[] = [];

  push(u: number): void {
    this.#units.push(u);
    if (this.#units.length >= 4096) this.#spill();
  }

  pushCodePoint(cp: number): void {
    if (cp > 0xffff) {
      cp -= 0x10000;
      this.push(0xd800 + (cp >> 10));
      this.push(0xdc00 + (cp & 0x3ff));
    } else {
      this.push(cp);
    }
  }

  pushString(s: string): void {
    this.#spill();
    this.#parts.push(s);
  }

  #spill(): void {
    if (this.#units.length === 0) return;
    this.#parts.push(String.fromCharCode(...this.#units));
    this.#units = [];
  }

  toString(): string {
    this.#spill();
    return this.#parts.join('');
  }
}

/** Applies a decode error handler to bytes[start, end). */
function decodeError(out: Units, encoding: string, errors: string, bytes: Uint8Array, start: number, end: number,
  reason: string): void {
  switch (errors) {
    case 'replace':
      out.push(0xfffd);
      return;
    case 'ignore':
      return;
    case 'surrogateescape':
      // Only bytes >= 128 can be escaped (the encoder gives them back).
      for (let i = start; i < end; i++) if (bytes[i]! < 0x80) throw new UnicodeDecodeError(encoding, bytes, start, end, reason);
      for (let i = start; i < end; i++) out.push(0xdc00 + bytes[i]!);
      return;
    case 'backslashreplace':
      for (let i = start; i < end; i++) out.pushString(`\\x${bytes[i]!.toString(16).padStart(2, '0')}`);
      return;
    default:
      throw new UnicodeDecodeError(encoding, bytes, start, end, reason);
  }
}

/** Applies an encode error handler to text[start, end) (unencodable characters). */
function encodeError(out: number[], encoding: string, errors: string, text: string, start: number, end: number,
  reason: string): void {
  switch (errors) {
    case 'replace':
      for (let i = start; i < end; i++) {
        out.push(0x3f);
        if (isPairAt(text, i)) i++;
      }
      return;
    case 'ignore':
      return;
    case 'surrogateescape':
      for (let i = start; i < end; i++) {
        const u = text.charCodeAt(i);
        if (u < 0xdc80 || u > 0xdcff) throw new UnicodeEncodeError(encoding, text, start, end, reason);
      }
      for (let i = start; i < end; i++) out.push(text.charCodeAt(i) - 0xdc00);
      return;
    case 'backslashreplace':
      for (let i = start; i < end; i++) {
        const cp = text.codePointAt(i)!;
        if (cp > 0xffff) i++;
        for (const ch of escapeChar(cp)) out.push(ch.charCodeAt(0));
      }
      return;
    default:
      throw new UnicodeEncodeError(encoding, text, start, end, reason);
  }
}

function isPairAt(s: string, i: number): boolean {
  const u = s.charCodeAt(i);
  if (u < 0xd800 || u > 0xdbff) return false;
  const v = s.charCodeAt(i + 1);
  return v >= 0xdc00 && v <= 0xdfff;
}

const LONE_SURROGATE = /\p{Cs}/u;

// ---- UTF-8 ---------------------------------------------------------------

/** Where the last complete sequence ends: an incomplete trailing sequence waits for more bytes. */
function utf8CompleteEnd(b: Uint8Array): number {
  const len = b.length;
  for (let i = len - 1; i >= 0 && i >= len - 3; i--) {
    const c = b[i]!;
    if (c >= 0x80 && c <= 0xbf) continue; // a continuation byte: look further back
    const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
    return i + need > len ? i : len;
  }
  return len;
}

/** Decodes bytes[0, end) with error handling, Python's way (one error per maximal invalid subpart). */
function utf8Slow(bytes: Uint8Array, end: number, errors: string): string {
  const out = new Units();
  let i = 0;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out.push(b);
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      decodeError(out, 'utf-8', errors, bytes, i, i + 1, 'invalid start byte');
      i++;
      continue;
    }
    let j = i + 1;
    let bad = '';
    for (let k = 0; k < need; k++, j++) {
      if (j >= end) {
        bad = 'unexpected end of data';
        break;
      }
      const c = bytes[j]!;
      if (k === 0 ? c < lo || c > hi : c < 0x80 || c > 0xbf) {
        bad = 'invalid continuation byte';
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (bad !== '') {
      decodeError(out, 'utf-8', errors, bytes, i, j, bad);
      i = j;
      continue;
    }
    out.pushCodePoint(cp);
    i = j;
  }
  return out.toString();
}

class Utf8Decoder implements Decoder {
  readonly #errors: string;
  #pending: Buffer | null = null;
  static readonly #fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(errors: string) {
    this.#errors = errors;
  }

  decode(input: Uint8Array, final: boolean): string {
    let bytes = input;
    if (this.#pending !== null) {
      bytes = Buffer.concat([this.#pending, input]);
      this.#pending = null;
    }
    const end = final ? bytes.length : utf8CompleteEnd(bytes);
    if (end < bytes.length) this.#pending = Buffer.from(bytes.subarray(end));
    if (end === 0) return '';
    try {
      return Utf8Decoder.#fatal.decode(bytes.subarray(0, end));
    } catch {
      return utf8Slow(bytes, end, this.#errors);
    }
  }
}

function utf8Encode(text: string, errors: string): Buffer {
  if (!LONE_SURROGATE.test(text)) return Buffer.from(text, 'utf8');
  const pieces: Buffer[] = [];
  let runStart = 0;
  let i = 0;
  while (i < text.length) {
    const u = text.charCodeAt(i);
    if (u < 0xd800 || u > 0xdfff || isPairAt(text, i)) {
      i += u >= 0xd800 && u <= 0xdbff ? 2 : 1;
      continue;
    }
    // A run of lone surrogates: the valid text before it goes out as is.
    if (i > runStart) pieces.push(Buffer.from(text.slice(runStart, i), 'utf8'));
    let j = i;
    while (j < text.length) {
      const v = text.charCodeAt(j);
      if (v < 0xd800 || v > 0xdfff || isPairAt(text, j)) break;
      j++;
    }
    const out: number[] = [];
    encodeError(out, 'utf-8', errors, text, i, j, 'surrogates not allowed');
    pieces.push(Buffer.from(out));
    i = runStart = j;
  }
  if (runStart < text.length) pieces.push(Buffer.from(text.slice(runStart), 'utf8'));
  return Buffer.concat(pieces);
}

// ---- Latin-1 and ASCII ------------------------------------------------------

const NON_ASCII_BYTE = /[\x80-\xff]/;
const NON_LATIN1 = /[^\x00-\xff]/;
const NON_ASCII = /[^\x00-\x7f]/;

class AsciiDecoder implements Decoder {
  readonly #errors: string;

  constructor(errors: string) {
    this.#errors = errors;
  }

  decode(input: Uint8Array, _final: boolean): string {
    const s = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
    if (!NON_ASCII_BYTE.test(s)) return s;
    const out = new Units();
    for (let i = 0; i < input.length; i++) {
      const b = input[i]!;
      if (b < 0x80) out.push(b);
      else decodeError(out, 'ascii', this.#errors, input, i, i + 1, 'ordinal not in range(128)');
    }
    return out.toString();
  }
}

const latin1Decoder: Decoder = {
  decode: (input: Uint8Array): string => Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'),
};

function narrowEncode(name: string, limit: number, re: RegExp, text: string, errors: string): Buffer {
  if (!re.test(text)) return Buffer.from(text, 'latin1');
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const u = text.charCodeAt(i);
    if (u < limit) {
      out.push(u);
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && text.charCodeAt(j) >= limit) j += isPairAt(text, j) ? 2 : 1;
    encodeError(out, name, errors, text, i, j, `ordinal not in range(${limit})`);
    i = j;
  }
  return Buffer.from(out);
}

const UTF8: Codec = {
  name: 'utf-8',
  newDecoder: (errors) => new Utf8Decoder(errors),
  encode: utf8Encode,
};

const LATIN1: Codec = {
  name: 'latin-1',
  newDecoder: () => latin1Decoder,
  encode: (text, errors) => narrowEncode('latin-1', 0x100, NON_LATIN1, text, errors),
};

const ASCII: Codec = {
  name: 'ascii',
  newDecoder: (errors) => new AsciiDecoder(errors),
  encode: (text, errors) => narrowEncode('ascii', 0x80, NON_ASCII, text, errors),
};

// Python's aliases (encodings/aliases.py) for the three codecs, normalized.
const ALIASES = new Map<string, Codec>();
for (const a of ['utf_8', 'utf8', 'u8', 'utf', 'utf8_ucs2', 'utf8_ucs4', 'cp65001']) ALIASES.set(a, UTF8);
for (const a of ['latin_1', 'latin1', 'latin', 'l1', 'iso8859_1', 'iso_8859_1', 'iso_8859_1_1987', '8859',
  'cp819', 'ibm819', 'iso_ir_100', 'csisolatin1']) ALIASES.set(a, LATIN1);
for (const a of ['ascii', 'us_ascii', 'us', '646', 'ansi_x3.4_1968', 'ansi_x3.4_1986', 'ansi_x3_4_1968', 'cp367',
  'csascii', 'ibm367', 'iso646_us', 'iso_646.irv_1991', 'iso_ir_6']) ALIASES.set(a, ASCII);

/**
 * The codec for an encoding name, normalized as Python does (case, '-', ' '
 * and '_' do not matter).
 * @throws {RangeError} "unknown encoding: x" (Python's LookupError)
 */
export function lookupCodec(encoding: string): Codec {
  const key = encoding.toLowerCase().replace(/[^a-z0-9.]+/g, '_').replace(/^_+|_+$/g, '');
  const codec = ALIASES.get(key);
  if (codec === undefined) throw new RangeError(`unknown encoding: ${encoding}`);
  return codec;
}
