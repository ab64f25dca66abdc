/**
 * Address text <-> packed bytes (inet_aton, inet_ntoa, inet_pton, inet_ntop)
 * and byte order (htons, htonl, ntohs, ntohl), with CPython's checks and
 * errors. The parsing is the C library's own, so it accepts and refuses
 * exactly what Python does on the same machine (inet_pton's canonical
 * dotted-quad fast path accepts a subset of it; see dottedQuad).
 */
import { Buffer } from 'node:buffer';
import { constants as osConstants, endianness } from 'node:os';
import { native } from './native.js';
import { AF_INET, AF_INET6 } from './constants.js';
import { OSError, errnoError } from './errors.js';
import { toBytes, toCInt, toInt, typeName } from './validate.js';

interface InetNative {
  inet_aton(text: string): Buffer | null;
  inet_pton_into(family: number, text: string, out: Uint8Array): number;
  inet_pton4(text: string): number;
  inet_pton6(text: string): number;
  inet_pton6_scratch: ArrayBuffer;
}

const inn = native as unknown as InetNative;
const EAFNOSUPPORT = osConstants.errno.EAFNOSUPPORT;
const LITTLE = endianness() === 'LE';
const packedScratch = new Uint8Array(16);
const pton6Out = new Uint8Array(inn.inet_pton6_scratch);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The canonical dotted quad ('192.168.1.1': four decimal parts of 1-3 digits,
 * no leading zero, each at most 255) as a u32, or -1 for anything else. This
 * set is exactly what inet_pton(AF_INET) accepts (the ISC algorithm of glibc
 * and the BSDs); it only spares the native call on the hottest input, and
 * every other text still goes to the C library, which decides.
 */
function dottedQuad(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= len; i++) {
    const ch = i < len ? s.charCodeAt(i) : 0x2e;
    if (ch >= 0x30 && ch <= 0x39) {
      if (digits > 0 && part === 0) return -1; // a leading zero
      part = part * 10 + (ch - 0x30);
      if (part > 255) return -1;
      digits++;
    } else if (ch === 0x2e && digits > 0) {
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}

/** Python's "s" format: a str with no NUL that encodes as UTF-8. */
function text(caller: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`${caller}() argument must be str, not ${typeName(v)}`);
  if (v.includes('\0')) throw new RangeError('embedded null character');
  if (LONE_SURROGATE.test(v)) throw new RangeError("'utf-8' codec can't encode character: surrogates not allowed");
  return v;
}

/**
 * Packs an IPv4 address in any form the C library's inet_aton takes,
 * including the classic short forms ('127.1' is 127.0.0.1, '1.2.3' is
 * 1.2.0.3) and octal/hex parts.
 * @syscall inet_aton(3)
 * @throws {OSError} 'illegal IP address string passed to inet_aton' · {TypeError} not a string ·
 *   {RangeError} embedded NUL
 * @example inet_aton('127.1') // <Buffer 7f 00 00 01>
 */
export function inet_aton(ip_string: string): Buffer {
  const r = inn.inet_aton(text('inet_aton', ip_string));
  if (r === null) throw new OSError('illegal IP address string passed to inet_aton', undefined, { syscall: 'inet_aton' });
  return r;
}

/**
 * Dotted-quad text of a 4-byte packed IPv4 address.
 * @syscall none (inet_ntoa(3)'s format, computed here: inet_ntoa is not reentrant)
 * @throws {OSError} 'packed IP wrong length for inet_ntoa' · {TypeError} not bytes-like
 * @example inet_ntoa(Buffer.from([127, 0, 0, 1])) // '127.0.0.1'
 */
export function inet_ntoa(packed_ip: ArrayBufferView | ArrayBuffer): string {
  const b = toBytes('inet_ntoa', packed_ip);
  if (b.length !== 4) throw new OSError('packed IP wrong length for inet_ntoa', undefined, { syscall: 'inet_ntoa' });
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * Packs an address in its strict standard form: 4 bytes for AF_INET, 16 for AF_INET6.
 * @syscall inet_pton(3)
 * @throws {OSError} 'illegal IP address string passed to inet_pton'; EAFNOSUPPORT for another family ·
 *   {TypeError} non-integer family, non-string text · {RangeError} embedded NUL, family beyond a C int
 * @example inet_pton(AF_INET6, '::1') // 16 bytes
 */
export function inet_pton(address_family: number, ip_string: string): Buffer {
  // Hot path: the canonical dotted quad without leaving JS, else one native
  // call, and one pooled Buffer out. The checks of the slow path only run
  // when the library says no: a NUL is reported by the native side and a
  // lone surrogate cannot be an address.
  if (typeof ip_string === 'string') {
    if (address_family === AF_INET) {
      let v = dottedQuad(ip_string);
      if (v < 0) v = inn.inet_pton4(ip_string);
      if (v >= 0) {
        const out = Buffer.allocUnsafe(4);
        out[0] = v >>> 24;
        out[1] = v >>> 16;
        out[2] = v >>> 8;
        out[3] = v;
        return out;
      }
    } else if (address_family === AF_INET6 && inn.inet_pton6(ip_string) > 0) {
      const out = Buffer.allocUnsafe(16);
      for (let i = 0; i < 16; i++) out[i] = pton6Out[i]!;
      return out;
    }
  }
  const af = toCInt('inet_pton', 'address_family', address_family);
  const s = text('inet_pton', ip_string);
  // glibc refuses every other family with EAFNOSUPPORT, before reading the text.
  if (af !== AF_INET && af !== AF_INET6) throw errnoError(EAFNOSUPPORT, 'inet_pton');
  const r = inn.inet_pton_into(af, s, packedScratch);
  if (r < 0) throw errnoError(-r, 'inet_pton');
  throw new OSError('illegal IP address string passed to inet_pton', undefined, { syscall: 'inet_pton' });
}

/**
 * Standard text of a packed address: dotted quad for AF_INET, RFC 5952
 * lower-case compressed form for AF_INET6.
 * @syscall inet_ntop(3)
 * @throws {RangeError} 'invalid length of packed IP address string', 'unknown address family N' ·
 *   {TypeError} non-integer family, packed not bytes-like
 * @example inet_ntop(AF_INET6, Buffer.alloc(16)) // '::'
 */
export function inet_ntop(address_family: number, packed_ip: ArrayBufferView | ArrayBuffer): string {
  const af = toCInt('inet_ntop', 'address_family', address_family);
  const b = toBytes('inet_ntop', packed_ip);
  if (af === AF_INET || af === AF_INET6) {
    if (b.length !== (af === AF_INET ? 4 : 16)) throw new RangeError('invalid length of packed IP address string');
  } else {
    throw new RangeError(`unknown address family ${af}`);
  }
  const r = native.inet_ntop(af, b);
  if (typeof r === 'number') throw errnoError(-r, 'inet_ntop');
  return r;
}

// ---- byte order -------------------------------------------------------------
// Python 3.11-3.13: negative or too large values are OverflowError (RangeError
// here); CPython's main branch turns negatives into ValueError, also RangeError.

function u16(caller: string, x: unknown): number {
  const n = toCInt(caller, 'x', x);
  if (n < 0) throw new RangeError(`${caller}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (n > 0xffff) throw new RangeError(`${caller}: Python int too large to convert to C 16-bit unsigned integer`);
  return n;
}

function u32(caller: string, x: unknown): number {
  if (typeof x !== 'number' && typeof x !== 'bigint' && typeof x !== 'boolean') {
    throw new TypeError(`${caller}(): expected int, ${typeName(x)} found`);
  }
  const n = toInt(caller, 'x', x);
  if (n < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (n > 0xffffffff) throw new RangeError('int larger than 32 bits');
  return n;
}

const swap16 = (n: number): number => ((n & 0xff) << 8) | (n >>> 8);
const swap32 = (n: number): number =>
  (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;

/**
 * A 16-bit integer from host to network byte order.
 * @syscall none (htons(3)'s arithmetic)
 * @throws {RangeError} negative or above 0xffff · {TypeError} not an integer
 * @example htons(1) // 256
 */
export function htons(x: number): number {
  const n = u16('htons', x);
  return LITTLE ? swap16(n) : n;
}

/**
 * A 16-bit integer from network to host byte order.
 * @syscall none (ntohs(3)'s arithmetic)
 * @throws {RangeError} negative or above 0xffff · {TypeError} not an integer
 */
export function ntohs(x: number): number {
  const n = u16('ntohs', x);
  return LITTLE ? swap16(n) : n;
}

/**
 * A 32-bit integer from host to network byte order.
 * @syscall none (htonl(3)'s arithmetic)
 * @throws {RangeError} negative or above 0xffffffff · {TypeError} not an integer
 * @example htonl(1) // 16777216
 */
export function htonl(x: number): number {
  const n = u32('htonl', x);
  return LITTLE ? swap32(n) : n;
}

/**
 * A 32-bit integer from network to host byte order.
 * @syscall none (ntohl(3)'s arithmetic)
 * @throws {RangeError} negative or above 0xffffffff · {TypeError} not an integer
 */
export function ntohl(x: number): number {
  const n = u32('ntohl', x);
  return LITTLE ? swap32(n) : n;
}
