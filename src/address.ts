/**
 * Address codecs: the array forms of DESIGN §2 to and from `sockaddr` bytes.
 * AF_INET, AF_INET6 and AF_UNIX live here; every other family registers a
 * codec (src/families.ts). Host names resolve as CPython's setipaddr does:
 * '' is the wildcard, '<broadcast>' INADDR_BROADCAST, numeric literals take a
 * fast path, anything else goes through getaddrinfo.
 */
import { Buffer } from 'node:buffer';
import { native, type RawAddress } from './native.js';
import { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC } from './constants.js';
import { OSError, gaiError } from './errors.js';
import { toInt, toIntIn, typeName } from './validate.js';

/** Every public address form: an array per family, a Unix path, abstract bytes. */
export type Address = string | Buffer | readonly unknown[];
/** What a decoded address is: an array per family, a path string, abstract-name bytes, or null. */
export type SockAddr = [string, number] | [string, number, number, number] | string | Buffer | unknown[] | null;

/** A family's codec for families beyond INET/INET6/UNIX. */
export interface FamilyCodec {
  /** Writes the sockaddr for `address` into `out` (128 bytes) and returns its length. */
  encode(caller: string, address: unknown, out: Uint8Array, sockType: number, proto: number): number;
  /** Turns the addon's `[family, ...fields]` into the public array. */
  decode(raw: unknown[]): SockAddr;
}

const codecs = new Map<number, FamilyCodec>();

/** Registers the codec of one family (done by src/families.ts at import). */
export function registerFamily(family: number, codec: FamilyCodec): void {
  codecs.set(family, codec);
}

/** A 128-byte, 8-aligned sockaddr buffer (never from Buffer's shared pool). */
export function newSockaddrBuffer(): Buffer {
  return Buffer.alloc(128);
}

/** The kernel's out-parameter for addresses: see native/README.md. */
export function newScratch(): Buffer {
  return Buffer.alloc(136);
}

/** Resolves one host to packed address bytes for `family`; sync or pre-resolved. */
export type HostLookup = (caller: string, host: string, family: number) => Uint8Array;

let EAI_SYSTEM: number | undefined;
/** Lets the resolver module tell us EAI_SYSTEM's value without a cycle. */
export function setEaiSystem(v: number | undefined): void {
  EAI_SYSTEM = v;
}

const WILDCARD4 = new Uint8Array(4);
const WILDCARD6 = new Uint8Array(16);
const BROADCAST4 = new Uint8Array([255, 255, 255, 255]);

/** The non-numeric host this address needs looked up, or null (for async twins). */
export function hostNeedingLookup(family: number, address: unknown): string | null {
  if ((family !== AF_INET && family !== AF_INET6) || !Array.isArray(address)) return null;
  const host: unknown = address[0];
  // A NUL is refused by hostBytes, before any look-up.
  if (typeof host !== 'string' || host === '' || host === '<broadcast>' || host.includes('\0')) return null;
  const r = native.inet_pton(family, host);
  return r instanceof Buffer ? null : host;
}

/** Packed bytes of `host` for `family`, blocking in getaddrinfo for names. */
export const syncLookup: HostLookup = (caller, host, family) => {
  const res = native.getaddrinfo(host, null, family, 0, 0, 0);
  if (!Array.isArray(res)) throw gaiError(res.gai, res.errno, EAI_SYSTEM);
  const first = res[0];
  if (first === undefined) throw new OSError(`${caller}(): getaddrinfo returned no address`);
  return packedFromSockaddr(first[4]);
};

/** The address bytes inside an AF_INET/AF_INET6 sockaddr. */
export function packedFromSockaddr(sa: Buffer): Uint8Array {
  const raw = native.decode_sockaddr(sa, sa.length);
  if (raw === null) throw new OSError('empty address');
  const fam = raw[0];
  const host = raw[1] as string;
  const packed = native.inet_pton(fam, host);
  if (!(packed instanceof Buffer)) throw new OSError('unexpected address family from getaddrinfo');
  return packed;
}

function hostBytes(caller: string, family: number, host: unknown, lookup: HostLookup): Uint8Array {
  if (typeof host !== 'string') {
    throw new TypeError(`${caller}(): host must be a string, not ${typeName(host)}`);
  }
  // As CPython: the C calls would stop at the NUL and silently use a prefix.
  if (host.includes('\0')) throw new TypeError(`${caller}(): host name must not contain null character`);
  if (host === '') return family === AF_INET ? WILDCARD4 : WILDCARD6;
  if (host === '<broadcast>' || host === '255.255.255.255') {
    if (family === AF_INET) return BROADCAST4;
    throw new OSError('address family mismatched');
  }
  const r = native.inet_pton(family, host);
  if (r instanceof Buffer) return r;
  return lookup(caller, host, family);
}

function port(caller: string, v: unknown): number {
  return toIntIn(caller, 'port', v, 0, 65535, `${caller}(): port must be 0-65535.`);
}

/**
 * Encodes `address` for a socket of `family` into `out`; returns the length.
 * Throws TypeError/RangeError for malformed addresses and gaierror for names
 * that do not resolve.
 */
export function encodeAddress(caller: string, family: number, address: unknown, out: Uint8Array,
  sockType = 0, proto = 0, lookup: HostLookup = syncLookup): number {
  if (family === AF_INET) {
    if (!Array.isArray(address)) {
      throw new TypeError(`${caller}(): AF_INET address must be tuple, not ${typeName(address)}`);
    }
    if (address.length !== 2) throw new TypeError(`${caller}(): AF_INET address must be a pair (host, port)`);
    const p = port(caller, address[1]);
    return native.encode_inet(out, hostBytes(caller, family, address[0], lookup), p);
  }
  if (family === AF_INET6) {
    if (!Array.isArray(address)) {
      throw new TypeError(`${caller}(): AF_INET6 address must be tuple, not ${typeName(address)}`);
    }
    if (address.length < 2 || address.length > 4) {
      throw new TypeError(`${caller}(): AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])`);
    }
    const p = port(caller, address[1]);
    const flowinfo = address[2] === undefined ? 0
      : toIntIn(caller, 'flowinfo', address[2], 0, 0xfffff, `${caller}(): flowinfo must be 0-1048575.`);
    const scope = address[3] === undefined ? 0
      : toIntIn(caller, 'scope_id', address[3], 0, 0xffffffff, `${caller}(): scope_id must be 0-4294967295.`);
    return native.encode_inet6(out, hostBytes(caller, family, address[0], lookup), p, flowinfo, scope);
  }
  if (family === AF_UNIX) {
    const path = unixPathBytes(caller, address);
    const r = native.encode_unix(out, path);
    if (r < 0) throw new OSError('AF_UNIX path too long');
    return r;
  }
  const codec = codecs.get(family);
  if (codec) return codec.encode(caller, address, out, sockType, proto);
  // An unknown family: Python refuses it; we accept [family, rawBytes] for raw use.
  if (Array.isArray(address) && address.length === 2 && toInt(caller, 'family', address[0]) === family &&
      ArrayBuffer.isView(address[1])) {
    const v = address[1];
    return native.encode_raw(out, family, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  throw new OSError(`${caller}(): bad family`);
}

function unixPathBytes(caller: string, address: unknown): Uint8Array {
  if (typeof address === 'string') return encodePath(address);
  if (ArrayBuffer.isView(address)) return new Uint8Array(address.buffer, address.byteOffset, address.byteLength);
  if (address instanceof ArrayBuffer) return new Uint8Array(address);
  throw new TypeError(`${caller}(): AF_UNIX address must be str or bytes, not ${typeName(address)}`);
}

/** Decodes the addon's raw form into the public form of DESIGN §2. */
export function decodeRaw(raw: RawAddress): SockAddr {
  if (raw === null) return null;
  const family = raw[0];
  if (family === AF_INET) return [raw[1] as string, raw[2] as number];
  if (family === AF_INET6) return [raw[1] as string, raw[2] as number, raw[3] as number, raw[4] as number];
  if (family === AF_UNIX) {
    const path = raw[1] as Buffer;
    if (path.length > 0 && path[0] === 0) return path;
    return decodePath(path);
  }
  const codec = codecs.get(family);
  if (codec) return codec.decode(raw);
  if (family === AF_UNSPEC && (raw[1] as Buffer).length === 0) return null;
  return raw;
}

/** Decodes the address the kernel left in a scratch buffer. */
export function decodeScratch(scratch: Uint8Array): SockAddr {
  return decodeRaw(native.decode_scratch(scratch));
}

// File-system paths: UTF-8 with Python's surrogateescape, so any byte string
// round-trips (undecodable byte b becomes the lone surrogate U+DC00+b).

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Path bytes to a string, undecodable bytes as lone surrogates. */
export function decodePath(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const need = b < 0x80 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 0;
      if (need > 0 && i + need <= bytes.length) {
        try {
          out += strictUtf8.decode(bytes.subarray(i, i + need));
          i += need;
          continue;
        } catch { /* fall through: escape one byte */ }
      }
      out += String.fromCharCode(0xdc00 + b);
      i += 1;
    }
    return out;
  }
}

/** A path string to bytes: UTF-8, with lone surrogates U+DC80..U+DCFF back to bytes. */
export function encodePath(path: string): Uint8Array {
  // Any surrogate code unit (paired or not) takes the slow path: Buffer.from
  // would silently turn a lone one into U+FFFD and name another file.
  if (!/[\ud800-\udfff]/.test(path)) return Buffer.from(path, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  let pos = 0;
  for (const ch of path) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([c - 0xdc00]));
    } else if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      // Python's UnicodeEncodeError (a ValueError): no byte stands for it.
      throw new RangeError(`'utf-8' codec can't encode character '\\u${c.toString(16)}' ` +
        `in position ${pos}: surrogates not allowed`);
    } else {
      run += ch;
    }
    pos++;
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** Formats an address for messages and inspect: ['127.0.0.1', 80] style. */
export function formatAddress(a: SockAddr): string {
  if (a === null) return 'null';
  if (typeof a === 'string') return `'${a}'`;
  if (Buffer.isBuffer(a)) return `<Buffer ${a.toString('hex')}>`;
  return `[${a.map((x) => (typeof x === 'string' ? `'${x}'` : Buffer.isBuffer(x) ? `<Buffer ${x.toString('hex')}>` : String(x))).join(', ')}]`;
}

