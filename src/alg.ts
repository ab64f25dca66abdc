/**
 * AF_ALG helpers (the Linux kernel crypto API, if_alg.h): the ancillary data
 * of an operation (ALG_SET_OP, ALG_SET_IV, ALG_SET_AEAD_ASSOCLEN) and
 * Python's `sendmsg_afalg`, built on `sendmsg`.
 *
 * The pattern: bind an AF_ALG socket to `[type, name]`, set the key with
 * `setsockopt(SOL_ALG, ALG_SET_KEY, key)`, `accept()` an operation socket,
 * send the operation and data on it, `recv` the result.
 */
import { Buffer } from 'node:buffer';
import { SOL_ALG, ALG_SET_OP, ALG_SET_IV, ALG_SET_AEAD_ASSOCLEN } from './constants.js';
import { Socket } from './socket.js';
import type { AncillaryItem } from './messages.js';
import { toBytes, typeName } from './validate.js';

/** The keyword arguments of Python's `sendmsg_afalg`. */
export interface AfalgOptions {
  /** ALG_OP_ENCRYPT, ALG_OP_DECRYPT, ... (required). */
  op: number;
  /** The initialisation vector. */
  iv?: ArrayBufferView | ArrayBuffer | null;
  /** Length of the associated data (AEAD). */
  assoclen?: number | null;
  /** sendmsg flags (e.g. MSG_MORE). */
  flags?: number;
}

/** A C unsigned int in host byte order (the kernel reads the cmsg data as one). */
const u32 = (n: number): Buffer => Buffer.from(new Uint32Array([n >>> 0]).buffer);

function u32Arg(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`${what} must be an integer, not ${typeName(v)}`);
  }
  if (v < 0) throw new TypeError(`${what} must not be negative`);
  if (v > 0xffffffff) throw new RangeError(`${what} is too large`);
  return v;
}

/**
 * The ancillary items of an AF_ALG operation, as `sendmsg` takes them:
 * `[SOL_ALG, ALG_SET_OP, u32 op]`, `[SOL_ALG, ALG_SET_IV, u32 ivlen + iv]`,
 * `[SOL_ALG, ALG_SET_AEAD_ASSOCLEN, u32 assoclen]`.
 * @syscall none
 * @throws {TypeError} op missing or not an integer, assoclen negative or not an integer (as Python)
 */
export function afalgAncillary(options: AfalgOptions): AncillaryItem[] {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('sendmsg_afalg() missing required argument \'op\'');
  }
  const op = u32Arg('op', options.op);
  const items: AncillaryItem[] = [[SOL_ALG, ALG_SET_OP, u32(op)]];
  if (options.iv !== undefined && options.iv !== null) {
    const iv = toBytes('sendmsg_afalg', options.iv);
    items.push([SOL_ALG, ALG_SET_IV, Buffer.concat([u32(iv.byteLength), iv])]);
  }
  if (options.assoclen !== undefined) {
    // Python: assoclen=None is a TypeError, as is a negative one.
    const n = u32Arg('assoclen', options.assoclen);
    items.push([SOL_ALG, ALG_SET_AEAD_ASSOCLEN, u32(n)]);
  }
  return items;
}

/**
 * Python's `socket.sendmsg_afalg([msg, ]*, op[, iv[, assoclen[, flags]]])`:
 * sends `msg` (buffers) with the operation's ancillary data on an AF_ALG
 * operation socket. Returns the number of bytes sent.
 * @syscall sendmsg(2)
 * @throws {TypeError} missing op, bad assoclen · {OSError} from the kernel
 */
export function sendmsg_afalg(sock: Socket, msg: Iterable<ArrayBufferView | ArrayBuffer> | null | undefined,
  options: AfalgOptions): number {
  const anc = afalgAncillary(options);
  const flags = options.flags ?? 0;
  return sock.sendmsg(msg ?? [], anc, flags);
}

declare module './socket.js' {
  interface Socket {
    /**
     * Python's `sendmsg_afalg`: `sock.sendmsg_afalg([msg], { op, iv, assoclen, flags })`
     * or `sock.sendmsg_afalg({ op, iv })` with no data.
     * @syscall sendmsg(2)
     * @throws {TypeError} missing op, bad assoclen · {OSError}
     */
    sendmsg_afalg(msg: Iterable<ArrayBufferView | ArrayBuffer> | AfalgOptions, options?: AfalgOptions): number;
  }
}

Object.defineProperty(Socket.prototype, 'sendmsg_afalg', {
  configurable: true,
  writable: true,
  enumerable: false,
  value: function sendmsgAfalg(this: Socket, msg?: unknown, options?: unknown): number {
    if (options === undefined && msg !== null && typeof msg === 'object' && !isIterable(msg)) {
      return sendmsg_afalg(this, [], msg as AfalgOptions);
    }
    if (msg === undefined || (msg !== null && !isIterable(msg))) {
      throw new TypeError(`sendmsg_afalg(): msg must be an iterable of bytes-like objects, not ${typeName(msg)}`);
    }
    if (options === undefined) throw new TypeError('sendmsg_afalg() missing required argument \'op\'');
    return sendmsg_afalg(this, msg as Iterable<ArrayBufferView> | null, options as AfalgOptions);
  },
});

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
