/**
 * sendmsg/recvmsg/recvmsg_into with ancillary data, CMSG_LEN/CMSG_SPACE,
 * send_fds/recv_fds, sendfile, and the Linux batches sendmmsg/recvmmsg.
 *
 * Every operation is split the same way so that the Promise twins can reuse
 * it: `prepareX` validates the arguments (Python's messages, before anything
 * is sent), `attemptX(fd, op)` makes one non-blocking-safe system call and
 * returns `>= 0` or `-errno`, `finishX(op, r)` builds the result; `xFor` is
 * the synchronous loop around them with the socket's one deadline (kWait).
 */
import { fstatSync, readSync } from 'node:fs';
// A module binding, not the global: the batch paths allocate with it per datagram.
import { Buffer } from 'node:buffer';
import type { Socket } from './socket.js';
import { type HostLookup, type SockAddr, decodeScratch } from './address.js';
import { native } from './native.js';
import {
  MSG_CMSG_CLOEXEC, MSG_DONTWAIT, MSG_WAITFORONE, SCM_RIGHTS, SOCK_STREAM, SOL_SOCKET,
} from './constants.js';
import { OSError, errnoError, fromFsError, timedOut } from './errors.js';
import { EAGAIN, EBADF, EINTR, EWOULDBLOCK, POLLIN, POLLOUT, now, waitUntil } from './deadline.js';
import { kEncode, kFd, kScratch, kSockaddr, kWait } from './internal.js';
import { toBytes, toCInt, toFlags, toInt, typeName } from './validate.js';

/** One ancillary data item: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncillaryItem = [level: number, type: number, data: Buffer];
/** What sendmsg accepts as an item: any 3-element iterable with bytes-like data. */
export type AncillaryInput = readonly [level: number, type: number, data: ArrayBufferView | ArrayBuffer];
export type BytesLike = ArrayBufferView | ArrayBuffer;

export type SendmsgArgs = [buffers: Iterable<BytesLike>, ancdata?: Iterable<AncillaryInput> | null,
  flags?: number, address?: unknown];
export type RecvmsgArgs = [bufsize: number, ancbufsize?: number, flags?: number];
export type RecvmsgIntoArgs = [buffers: Iterable<BytesLike>, ancbufsize?: number, flags?: number];
/** A descriptor number or anything with a numeric `fd` (node:fs/promises FileHandle). */
export type SendfileFile = number | { readonly fd: number };
export type SendfileArgs = [file: SendfileFile, offset?: number, count?: number | null];
/** One datagram of a batch: `[data, address?]`, data a buffer or a list of buffers. */
export type MmsgMessage = readonly [data: BytesLike | Iterable<BytesLike>, address?: unknown];
export type SendmmsgArgs = [messages: Iterable<MmsgMessage>, flags?: number];
export type RecvmmsgArgs = [vlen: number, bufsize: number, flags?: number];
export type RecvmsgResult = [data: Buffer, ancdata: AncillaryItem[], msg_flags: number, address: SockAddr];
export type RecvmsgIntoResult = [nbytes: number, ancdata: AncillaryItem[], msg_flags: number, address: SockAddr];
export type RecvmmsgResult = Array<[data: Buffer, address: SockAddr, msg_flags: number]>;
export type RecvFdsResult = [data: Buffer, fds: number[], msg_flags: number, address: SockAddr];

/** The addon functions of native/messages.c. */
interface MessagesNative {
  cmsg_len(n: number): number;
  cmsg_space(n: number): number;
  sendmsg(fd: number, bufs: Uint8Array[], anc: unknown[] | null, flags: number, sa: Uint8Array | null, salen: number): number;
  recvmsg(fd: number, bufs: Uint8Array | Uint8Array[], ancbufsize: number, flags: number, scratch: Uint8Array,
    out: Int32Array, anc: AncillaryItem[]): number;
  sendfile(outFd: number, inFd: number, offset: number, count: number): number;
  lseek(fd: number, offset: number, whence: number): number;
  sendmmsg?(fd: number, datas: Array<Uint8Array | Uint8Array[]>, table: Uint8Array | null, info: Int32Array | null,
    flags: number, dataIndex: Int32Array, count: number): number;
  recvmmsg?(fd: number, slab: Uint8Array, bufsize: number, vlen: number, flags: number, addrs: Uint8Array,
    out: Int32Array): number;
  has_mmsg: boolean;
  cmsg_sizes: { int: number; cmsghdr: number };
}

/** @internal */
export const mnative = native as unknown as MessagesNative;

const SOCKLEN_LIMIT = 0x7fffffff;
const SEEK_SET = 0;
const SEEK_CUR = 1;
const SCRATCH = 136;
/** Batches are cut to this many messages per call (Linux's UIO_MAXIOV). */
export const MAX_BATCH = 1024;
const CLOEXEC = MSG_CMSG_CLOEXEC ?? 0;
const RECV_POOL_LIMIT = 4096;

const isEagain = (r: number): boolean => -r === EAGAIN || -r === EWOULDBLOCK;

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

const DONTWAIT = MSG_DONTWAIT ?? 0;

/**
 * The synchronous loop: one attempt, then the socket's mode decides (kWait).
 * With MSG_DONTWAIT in `flags` the caller asked for one try: EAGAIN raises.
 */
function loop(sock: Socket, events: number, syscall: string, flags: number, attempt: (fd: number) => number): number {
  const fd = sock[kFd](syscall);
  let deadline = -1;
  for (;;) {
    const r = attempt(fd);
    if (r >= 0) return r;
    if ((flags & DONTWAIT) !== 0 && isEagain(r)) throw errnoError(-r, syscall);
    deadline = sock[kWait](r, events, syscall, deadline);
  }
}

// ---- CMSG_LEN / CMSG_SPACE ----------------------------------------------------

/**
 * The value of `cmsg_len` for an item with `length` bytes of data (no trailing padding).
 * @syscall none (the CMSG_LEN macro)
 * @throws {RangeError} negative or too large (Python's OverflowError) · {TypeError} not an integer
 */
export function CMSG_LEN(length: number): number {
  const n = toInt('CMSG_LEN', 'length', length);
  const r = mnative.cmsg_len(n > SOCKLEN_LIMIT || n < 0 ? -1 : n);
  if (r < 0) throw new RangeError('CMSG_LEN() argument out of range');
  return r;
}

/**
 * The buffer space an item with `length` bytes of data takes, padding included.
 * @syscall none (the CMSG_SPACE macro)
 * @throws {RangeError} negative or too large (Python's OverflowError) · {TypeError} not an integer
 */
export function CMSG_SPACE(length: number): number {
  const n = toInt('CMSG_SPACE', 'length', length);
  const r = mnative.cmsg_space(n > SOCKLEN_LIMIT || n < 0 ? -1 : n);
  if (r < 0) throw new RangeError('CMSG_SPACE() argument out of range');
  return r;
}

// ---- sendmsg ------------------------------------------------------------------

/** A validated sendmsg call. `sa` is null without an address. */
export interface SendmsgOp {
  bufs: Uint8Array[];
  anc: unknown[] | null;
  flags: number;
  sa: Uint8Array | null;
  salen: number;
}

/** The data buffers of sendmsg/sendmmsg: any iterable of bytes-like values. */
function gatherBuffers(caller: string, buffers: unknown, argName = 'argument 1'): Uint8Array[] {
  if (!isIterable(buffers)) throw new TypeError(`${caller}() ${argName} must be an iterable`);
  const out: Uint8Array[] = [];
  if (Array.isArray(buffers)) {
    for (let i = 0; i < buffers.length; i++) out.push(toBytes(caller, buffers[i]));
  } else {
    for (const b of buffers) out.push(toBytes(caller, b));
  }
  return out;
}

/** Flattens ancillary items to [level, type, data, ...] after Python's checks. */
function flattenAncillary(caller: string, ancdata: unknown): unknown[] | null {
  if (ancdata === undefined || ancdata === null) return null;
  if (!isIterable(ancdata)) throw new TypeError(`${caller}() argument 2 must be an iterable`);
  const flat: unknown[] = [];
  for (const item of ancdata) {
    if (typeof item === 'string' || !isIterable(item)) {
      throw new TypeError(`${caller}(): ancillary data items must be sequences of length 3, not ${typeName(item)}`);
    }
    const parts = Array.isArray(item) ? item : Array.from(item);
    if (parts.length !== 3) {
      throw new TypeError(`${caller}(): ancillary data items must be sequences of length 3, not ${parts.length}`);
    }
    const data = toBytes(caller, parts[2]);
    // CMSG_SPACE range check here, so the error comes before any system call.
    if (mnative.cmsg_space(data.byteLength) < 0) throw new OSError(`${caller}(): ancillary data item too large`);
    flat.push(toCInt(caller, 'cmsg_level', parts[0]), toCInt(caller, 'cmsg_type', parts[1]), data);
  }
  return flat.length === 0 ? null : flat;
}

/**
 * Validates sendmsg's arguments and encodes the address. With `own`, the
 * encoded address is copied out of the socket's shared buffer (for twins
 * that may run interleaved).
 */
export function prepareSendmsg(sock: Socket, args: SendmsgArgs, lookup?: HostLookup, own = false): SendmsgOp {
  if ((args as readonly unknown[]).length === 0) throw new TypeError('sendmsg() missing required argument \'buffers\' (pos 1)');
  const [buffers, ancdata, flags, address] = args;
  const bufs = gatherBuffers('sendmsg', buffers);
  const anc = flattenAncillary('sendmsg', ancdata);
  const fl = toFlags('sendmsg', flags);
  let sa: Uint8Array | null = null;
  let salen = 0;
  if (address !== undefined && address !== null) {
    salen = sock[kEncode]('sendmsg', address, lookup);
    sa = own ? Uint8Array.prototype.slice.call(sock[kSockaddr](), 0, 128) : sock[kSockaddr]();
  }
  return { bufs, anc, flags: fl, sa, salen };
}

/** One sendmsg(2): bytes sent or -errno. */
export function attemptSendmsg(fd: number, op: SendmsgOp): number {
  return mnative.sendmsg(fd, op.bufs, op.anc, op.flags, op.sa, op.salen);
}

/**
 * sendmsg(buffers[, ancdata[, flags[, address]]]): gathers the buffers in
 * order and sends them with the ancillary items in one message.
 * @syscall sendmsg(2) — waits writable under the socket's timeout
 */
export function sendmsgFor(sock: Socket, ...args: SendmsgArgs): number {
  const op = prepareSendmsg(sock, args);
  return loop(sock, POLLOUT, 'sendmsg', op.flags, (fd) => attemptSendmsg(fd, op));
}

// ---- recvmsg / recvmsg_into ------------------------------------------------------

/** A validated recvmsg/recvmsg_into call. */
export interface RecvmsgOp {
  /** recvmsg: the one receive buffer; recvmsg_into: the caller's buffers. */
  bufs: Uint8Array | Uint8Array[];
  ancbufsize: number;
  /** The flags given to the kernel (MSG_CMSG_CLOEXEC added when there is room for items). */
  flags: number;
  /** MSG_CMSG_CLOEXEC when we added it (it is taken out of msg_flags again). */
  added: number;
  scratch: Uint8Array;
  out: Int32Array;
  anc: AncillaryItem[];
}

function ancbufsizeOf(caller: string, v: unknown): number {
  if (v === undefined) return 0;
  const n = toInt(caller, 'ancbufsize', v);
  if (n < 0 || n > SOCKLEN_LIMIT) throw new RangeError('invalid ancillary data buffer length');
  return n;
}

function recvOp(caller: string, sock: Socket, bufs: Uint8Array | Uint8Array[], ancbufsize: number,
  flags: unknown, scratch?: Uint8Array): RecvmsgOp {
  const fl = toFlags(caller, flags);
  // Received descriptors are close-on-exec (PEP 446's rule for every new fd).
  const added = ancbufsize > 0 ? CLOEXEC & ~fl : 0;
  return {
    bufs, ancbufsize, flags: fl | added, added, scratch: scratch ?? sock[kScratch](),
    out: new Int32Array(2), anc: [],
  };
}

let bigRx: Buffer | null = null;
const BIG_RX_LIMIT = 1 << 20;

/** Validates recvmsg(bufsize[, ancbufsize[, flags]]). */
export function prepareRecvmsg(sock: Socket, args: RecvmsgArgs, scratch?: Uint8Array): RecvmsgOp {
  if ((args as readonly unknown[]).length === 0 || args[0] === undefined) {
    throw new TypeError('recvmsg() missing required argument \'bufsize\' (pos 1)');
  }
  const n = toInt('recvmsg', 'bufsize', args[0]);
  if (n < 0) throw new RangeError('negative buffer size in recvmsg()');
  if (n > SOCKLEN_LIMIT) throw new RangeError('recvmsg(): bufsize is too large');
  const anc = ancbufsizeOf('recvmsg', args[1]);
  let buf: Buffer;
  if (n <= RECV_POOL_LIMIT) buf = Buffer.allocUnsafe(n);
  else if (n <= BIG_RX_LIMIT) buf = (bigRx !== null && bigRx.length >= n ? bigRx : (bigRx = Buffer.allocUnsafeSlow(Math.max(n, 65536)))).subarray(0, n);
  else buf = Buffer.allocUnsafeSlow(n);
  return recvOp('recvmsg', sock, buf, anc, args[2], scratch);
}

/** Validates recvmsg_into(buffers[, ancbufsize[, flags]]). */
export function prepareRecvmsgInto(sock: Socket, args: RecvmsgIntoArgs, scratch?: Uint8Array): RecvmsgIntoOp {
  if ((args as readonly unknown[]).length === 0) throw new TypeError('recvmsg_into() missing required argument \'buffers\' (pos 1)');
  const buffers: unknown = args[0];
  if (!isIterable(buffers)) throw new TypeError('recvmsg_into() argument 1 must be an iterable');
  const bufs: Uint8Array[] = [];
  const bad = 'recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers';
  for (const b of buffers as Iterable<unknown>) {
    if (b instanceof Uint8Array) bufs.push(b);
    else if (ArrayBuffer.isView(b)) bufs.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    else if (b instanceof ArrayBuffer || b instanceof SharedArrayBuffer) bufs.push(new Uint8Array(b));
    else throw new TypeError(bad);
  }
  const anc = ancbufsizeOf('recvmsg_into', args[1]);
  return recvOp('recvmsg_into', sock, bufs, anc, args[2], scratch);
}
export type RecvmsgIntoOp = RecvmsgOp;

/** One recvmsg(2): bytes received or -errno (the items are in op.anc). */
export function attemptRecvmsg(fd: number, op: RecvmsgOp): number {
  op.anc = [];
  return mnative.recvmsg(fd, op.bufs, op.ancbufsize, op.flags, op.scratch, op.out, op.anc);
}

/** Closes the descriptors of every SCM_RIGHTS item (results that never reach the caller). */
export function closeReceivedFds(anc: readonly AncillaryItem[]): void {
  for (const [level, type, data] of anc) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    const n = Math.floor(data.length / 4);
    for (let i = 0; i < n; i++) {
      const fd = fdAt(data, i);
      if (fd >= 0) native.close(fd);
    }
  }
}

const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
function fdAt(data: Buffer, i: number): number {
  return LE ? data.readInt32LE(i * 4) : data.readInt32BE(i * 4);
}

/** The parts common to both results: msg_flags, address, the walk's warning. */
function finishCommon(op: RecvmsgOp): [number, SockAddr] {
  try {
    if (op.out[1] !== 0) {
      process.emitWarning('received malformed or improperly-truncated ancillary data', 'RuntimeWarning');
    }
    return [op.out[0]! & ~op.added, decodeScratch(op.scratch)];
  } catch (e) {
    // Nothing reaches the caller: the descriptors it would have owned are closed.
    closeReceivedFds(op.anc);
    throw e;
  }
}

/** recvmsg's result after a successful attempt. */
export function finishRecvmsg(op: RecvmsgOp, r: number): RecvmsgResult {
  const [flags, addr] = finishCommon(op);
  const buf = op.bufs as Buffer;
  // Copy out of the shared receive buffer, and out of a big fresh one that is mostly empty.
  const copy = buf.length > RECV_POOL_LIMIT && (buf.buffer === bigRx?.buffer || r < buf.length / 2);
  const data = copy ? Buffer.from(buf.subarray(0, r)) : buf.subarray(0, r);
  return [data, op.anc, flags, addr];
}

/** recvmsg_into's result after a successful attempt. */
export function finishRecvmsgInto(op: RecvmsgOp, r: number): RecvmsgIntoResult {
  const [flags, addr] = finishCommon(op);
  return [r, op.anc, flags, addr];
}

/**
 * recvmsg(bufsize[, ancbufsize[, flags]]) -> [data, ancdata, msg_flags, address].
 * Received descriptors are close-on-exec (MSG_CMSG_CLOEXEC).
 * @syscall recvmsg(2) — waits readable under the socket's timeout
 */
export function recvmsgFor(sock: Socket, ...args: RecvmsgArgs): RecvmsgResult {
  const op = prepareRecvmsg(sock, args);
  const r = loop(sock, POLLIN, 'recvmsg', op.flags, (fd) => attemptRecvmsg(fd, op));
  return finishRecvmsg(op, r);
}

/**
 * recvmsg_into(buffers[, ancbufsize[, flags]]) -> [nbytes, ancdata, msg_flags, address],
 * scattering the data over the buffers in order.
 * @syscall recvmsg(2) — waits readable under the socket's timeout
 */
export function recvmsgIntoFor(sock: Socket, ...args: RecvmsgIntoArgs): RecvmsgIntoResult {
  const op = prepareRecvmsgInto(sock, args);
  const r = loop(sock, POLLIN, 'recvmsg_into', op.flags, (fd) => attemptRecvmsg(fd, op));
  return finishRecvmsgInto(op, r);
}

// ---- send_fds / recv_fds ----------------------------------------------------------

function fdArray(caller: string, fds: unknown): Int32Array {
  if (!isIterable(fds)) throw new TypeError(`${caller}(): fds must be an iterable of integers, not ${typeName(fds)}`);
  const list: number[] = [];
  for (const fd of fds) list.push(toCInt(caller, 'file descriptor', fd));
  return Int32Array.from(list);
}

/**
 * Sends `fds` over an AF_UNIX socket as one SCM_RIGHTS item with the data
 * `buffers` (Python's socket.send_fds; flags and address are passed on).
 * @syscall sendmsg(2) — waits writable under the socket's timeout
 * @throws {OSError} EBADF for an invalid descriptor · {TypeError} non-integer fds, non-buffers
 */
export function send_fds(sock: Socket, buffers: Iterable<BytesLike>, fds: Iterable<number>, flags?: number,
  address?: unknown): number {
  const arr = fdArray('send_fds', fds);
  return sock.sendmsg(buffers, [[SOL_SOCKET, SCM_RIGHTS, arr]], flags ?? 0, address ?? null);
}

/**
 * Receives up to `bufsize` bytes and up to `maxfds` descriptors:
 * `[data, fds, msg_flags, address]` (Python's socket.recv_fds; flags are passed on).
 * The descriptors are close-on-exec; the caller owns them.
 * @syscall recvmsg(2) — waits readable under the socket's timeout
 * @throws {RangeError} negative bufsize or maxfds · {OSError}
 */
export function recv_fds(sock: Socket, bufsize: number, maxfds: number, flags?: number): RecvFdsResult {
  const m = toInt('recv_fds', 'maxfds', maxfds);
  if (m < 0) throw new RangeError('recv_fds(): maxfds must not be negative');
  const [data, anc, msgFlags, addr] = sock.recvmsg(bufsize, CMSG_LEN(m * mnative.cmsg_sizes.int), flags ?? 0);
  const fds: number[] = [];
  for (const [level, type, d] of anc) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    const n = Math.floor(d.length / 4);
    for (let i = 0; i < n; i++) fds.push(fdAt(d, i));
  }
  return [data, fds, msgFlags, addr];
}

// ---- sendfile ---------------------------------------------------------------------------

/** A validated sendfile call. */
export interface SendfileOp {
  fileFd: number;
  offset: number;
  count: number | null;
}

function countRepr(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/**
 * Validates sendfile(file[, offset[, count]]) with Python's rules (the
 * non-blocking check is the caller's: the twins allow it).
 */
export function prepareSendfile(sock: Socket, args: SendfileArgs): SendfileOp {
  if ((args as readonly unknown[]).length === 0) throw new TypeError('sendfile() missing required argument \'file\' (pos 1)');
  const [file, offset, count] = args;
  if (sock.type !== SOCK_STREAM) throw new RangeError('only SOCK_STREAM type sockets are supported');
  let fileFd: number;
  if (typeof file === 'number') {
    fileFd = toInt('sendfile', 'file', file);
    if (fileFd < 0) throw new RangeError('negative file descriptor');
  } else if (file !== null && typeof file === 'object' && typeof (file as { fd?: unknown }).fd === 'number') {
    fileFd = (file as { fd: number }).fd;
    // A closed FileHandle reports fd -1.
    if (fileFd < 0 || !Number.isInteger(fileFd)) throw errnoError(EBADF, 'sendfile');
  } else {
    throw new TypeError(`sendfile(): file must be a file descriptor or a FileHandle, not ${typeName(file)}`);
  }
  let cnt: number | null = null;
  if (count !== undefined && count !== null) {
    if (typeof count !== 'number' || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${countRepr(count)})`);
    }
    if (count <= 0) throw new RangeError(`count must be a positive integer (got ${countRepr(count)})`);
    cnt = count;
  }
  const off = offset === undefined ? 0 : toInt('sendfile', 'offset', offset);
  if (off < 0) throw new RangeError(`negative seek position ${off}`);
  return { fileFd, offset: off, count: cnt };
}

/** Thrown by the sendfile(2) path when it cannot serve this file (Python's _GiveupOnSendfile). */
export class GiveupOnSendfile extends Error {}

export const MAX_SENDFILE_BLOCK = 2 ** 30;

/**
 * The size of a file sendfile(2) can read (a regular file).
 * @throws {GiveupOnSendfile} for anything else (pipes, sockets, a failing fstat)
 */
export function sendfileSize(fileFd: number): number {
  try {
    const st = fstatSync(fileFd);
    if (!st.isFile()) throw new GiveupOnSendfile('not a regular file');
    return st.size;
  } catch (e) {
    if (e instanceof GiveupOnSendfile) throw e;
    throw new GiveupOnSendfile(String(e));
  }
}

/** Whether a descriptor can seek (lseek(fd, 0, SEEK_CUR) succeeds). */
export function isSeekable(fileFd: number): boolean {
  return mnative.lseek(fileFd, 0, SEEK_CUR) >= 0;
}

/**
 * The zero-copy path (Python's `_sendfile_use_sendfile`): sendfile(2) in a
 * loop under one deadline; the file position ends after the last byte sent.
 * @throws {GiveupOnSendfile} when the file is not one sendfile(2) can read
 */
export function sendfileUsingSendfile(sock: Socket, ...args: SendfileArgs): number {
  const op = prepareSendfile(sock, args);
  if (sock.gettimeout() === 0) throw new RangeError('non-blocking sockets are not supported');
  const fd = sock[kFd]('sendfile');
  const size = sendfileSize(op.fileFd);
  if (size === 0) return 0;
  let off = op.offset;
  let total = 0;
  let deadline = -1;
  try {
    for (;;) {
      let block = op.count !== null ? op.count - total : size;
      if (block <= 0) break;
      block = Math.min(block, MAX_SENDFILE_BLOCK);
      const r = mnative.sendfile(fd, op.fileFd, off, block);
      if (r > 0) {
        off += r;
        total += r;
        continue;
      }
      if (r === 0) break; // end of file
      if (isEagain(r) || -r === EINTR) {
        deadline = sock[kWait](r, POLLOUT, 'sendfile', deadline);
        continue;
      }
      if (total === 0) throw new GiveupOnSendfile(`sendfile(2): errno ${-r}`);
      throw errnoError(-r, 'sendfile');
    }
    return total;
  } finally {
    if (total > 0) mnative.lseek(op.fileFd, off, SEEK_SET);
  }
}

export const SEND_BLOCK = 65536;

/**
 * The set-up of the send fallback, shared by the sync method and its twin:
 * whether the file is read at explicit positions (seekable), and the one
 * transfer buffer. A non-seekable file cannot start at an offset: the
 * lseek(2) that Python tries fails with ESPIPE, and so do we.
 */
export function sendBySendSetup(op: SendfileOp): { seekable: boolean; buf: Buffer } {
  const seekable = isSeekable(op.fileFd);
  if (!seekable && op.offset !== 0) {
    const r = mnative.lseek(op.fileFd, op.offset, SEEK_SET);
    throw errnoError(-r, 'lseek');
  }
  const buf = Buffer.allocUnsafeSlow(op.count !== null ? Math.min(op.count, SEND_BLOCK) : SEND_BLOCK);
  return { seekable, buf };
}

/**
 * One read(2)/pread(2) of the file for the send fallback; node:fs errors become
 * OSError, and a non-blocking file that has nothing yet is waited for (under `limit`).
 */
function readFileChunk(fd: number, buf: Buffer, want: number, position: number | null, limit: number): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, want, position);
    } catch (e) {
      const err = fromFsError(e, 'read');
      if (!(err instanceof OSError) || (err.errno !== EAGAIN && err.errno !== EWOULDBLOCK)) throw err;
      waitUntil(fd, POLLIN, limit, 'sendfile');
    }
  }
}

/**
 * The fallback (Python's `_sendfile_use_send`): read(2)/pread(2) into one
 * buffer and send(2) it, all under one deadline. Seekable files are read
 * from `offset` and left positioned after the last byte sent.
 */
export function sendfileUsingSend(sock: Socket, ...args: SendfileArgs): number {
  const op = prepareSendfile(sock, args);
  if (sock.gettimeout() === 0) throw new RangeError('non-blocking sockets are not supported');
  const fd = sock[kFd]('sendfile');
  const { seekable, buf } = sendBySendSetup(op);
  let total = 0;
  // The timeout bounds the whole transfer, reads of the file included: a pipe,
  // FIFO or socket as the file can wait (or never end), so it is polled first.
  const t = sock.gettimeout();
  const limit = t !== null && t > 0 ? now() + t * 1000 : Infinity;
  let deadline = limit === Infinity ? -1 : limit;
  try {
    for (;;) {
      let want = buf.length;
      if (op.count !== null) want = Math.min(op.count - total, want);
      if (want <= 0) break;
      if (limit !== Infinity) {
        if (now() >= limit) throw timedOut('sendfile');
        if (!seekable) waitUntil(op.fileFd, POLLIN, limit, 'sendfile');
      }
      const n = readFileChunk(op.fileFd, buf, want, seekable ? op.offset + total : null, limit);
      if (n === 0) break;
      let sent = 0;
      while (sent < n) {
        const r = native.send(fd, buf, sent, n - sent, 0);
        if (r >= 0) {
          sent += r;
          total += r;
          continue;
        }
        deadline = sock[kWait](r, POLLOUT, 'sendfile', deadline);
      }
    }
    return total;
  } finally {
    if (total > 0 && seekable) mnative.lseek(op.fileFd, op.offset + total, SEEK_SET);
  }
}

/**
 * sendfile(file[, offset[, count]]): sends the file from `offset` (default 0)
 * until EOF or `count` bytes, zero-copy with sendfile(2) when the file allows
 * it and through send(2) otherwise; returns the bytes sent. The timeout bounds
 * the whole transfer; non-blocking sockets are refused.
 * @syscall sendfile(2), or read(2) + send(2)
 */
export function sendfileFor(sock: Socket, ...args: SendfileArgs): number {
  try {
    return sendfileUsingSendfile(sock, ...args);
  } catch (e) {
    if (!(e instanceof GiveupOnSendfile)) throw e;
    return sendfileUsingSend(sock, ...args);
  }
}

// ---- sendmmsg / recvmmsg -------------------------------------------------------------

/** Per-socket reusable batch state (address tables, result arrays). */
interface BatchState {
  table: Uint8Array;
  info: Int32Array;
  dataIndex: Int32Array;
  addrs: Buffer;
  words: Int32Array;
  views: Buffer[];
  out: Int32Array;
  lastKey: Int32Array;
  lastAddr: SockAddr;
  lastKeyLen: number;
}
const batchStates = new WeakMap<Socket, BatchState>();

function batchState(sock: Socket, n: number): BatchState {
  let st = batchStates.get(sock);
  if (st === undefined || st.info.length < 2 * n) {
    const size = Math.max(n, st === undefined ? 64 : st.info.length);
    const addrs = Buffer.alloc(size * SCRATCH);
    const views: Buffer[] = [];
    for (let i = 0; i < size; i++) views.push(addrs.subarray(i * SCRATCH, (i + 1) * SCRATCH));
    st = {
      table: new Uint8Array(Math.min(size, 16) * 128),
      info: new Int32Array(2 * size),
      dataIndex: new Int32Array(size),
      addrs,
      words: new Int32Array(addrs.buffer, addrs.byteOffset, addrs.length >> 2),
      views,
      out: new Int32Array(2 * size),
      lastKey: new Int32Array(SCRATCH >> 2),
      lastAddr: null,
      lastKeyLen: -1,
    };
    batchStates.set(sock, st);
  }
  return st;
}

/**
 * Whether `a` encodes like the previous destination: the same value, or an
 * array of the same primitive fields (`['127.0.0.1', 9000]` built afresh).
 */
function sameAddress(a: unknown, prev: unknown, prevParts: unknown[] | null): boolean {
  if (prevParts === null) return a === prev && typeof a === 'string';
  if (!Array.isArray(a) || a.length !== prevParts.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x: unknown = a[k];
    if (x !== prevParts[k] || (typeof x === 'object' && x !== null)) return false;
  }
  return true;
}

/** A validated sendmmsg batch. */
export interface SendmmsgOp {
  /** The distinct payloads (a payload repeated by consecutive messages appears once). */
  datas: Array<Uint8Array | Uint8Array[]>;
  /** Message i sends datas[dataIndex[i]]. */
  dataIndex: Int32Array;
  count: number;
  table: Uint8Array | null;
  info: Int32Array | null;
  flags: number;
}

/**
 * Validates sendmmsg(messages[, flags]) and encodes the addresses into a
 * table (one encoding per distinct destination). At most MAX_BATCH messages
 * are taken.
 */
export function prepareSendmmsg(sock: Socket, args: SendmmsgArgs, lookup?: HostLookup, own = false): SendmmsgOp {
  if ((args as readonly unknown[]).length === 0) throw new TypeError('sendmmsg() missing required argument \'messages\' (pos 1)');
  const [messages, flags] = args;
  if (!isIterable(messages)) throw new TypeError('sendmmsg() argument 1 must be an iterable');
  const list = Array.isArray(messages) ? messages as unknown[] : Array.from(messages as Iterable<unknown>);
  const n = Math.min(list.length, MAX_BATCH);
  const st = batchState(sock, n);
  const datas: Array<Uint8Array | Uint8Array[]> = [];
  const dataIndex = own ? new Int32Array(n) : st.dataIndex;
  let prevData: unknown = undefined;
  let info: Int32Array | null = null;
  // `own`: tables private to this op (a twin may wait between attempts).
  const infoStore = own ? new Int32Array(2 * n) : st.info;
  let table = own ? new Uint8Array(128) : st.table;
  let slots = 0;
  let prevAddr: unknown = undefined;
  let prevParts: unknown[] | null = null;
  let prevOff = -1;
  let prevLen = 0;
  for (let i = 0; i < n; i++) {
    const m = list[i];
    if (!Array.isArray(m) || m.length < 1 || m.length > 2) {
      throw new TypeError(`sendmmsg(): each message must be [data] or [data, address], not ${typeName(m)}`);
    }
    const d: unknown = m[0];
    // The same payload as the message before (one buffer sent to many
    // destinations, or many times) is validated, fetched and pointed to once.
    if (i === 0 || d !== prevData || !(d instanceof Uint8Array)) {
      if (d instanceof Uint8Array) datas.push(d);
      else if (ArrayBuffer.isView(d) || d instanceof ArrayBuffer || d instanceof SharedArrayBuffer) datas.push(toBytes('sendmmsg', d));
      else if (isIterable(d) && typeof d !== 'string') datas.push(gatherBuffers('sendmmsg', d, 'message data'));
      else throw new TypeError(`sendmmsg(): a bytes-like object or an iterable of them is required, not '${typeName(d)}'`);
      prevData = d;
    }
    dataIndex[i] = datas.length - 1;
    const a: unknown = m[1];
    if (a === undefined || a === null) {
      if (info !== null) { info[2 * i] = -1; info[2 * i + 1] = 0; }
      continue;
    }
    if (info === null) {
      info = infoStore;
      for (let k = 0; k < i; k++) { info[2 * k] = -1; info[2 * k + 1] = 0; }
    }
    // The same destination as the message before: reuse its encoding.
    const same = sameAddress(a, prevAddr, prevParts);
    if (!same) {
      const len = sock[kEncode]('sendmmsg', a, lookup);
      if ((slots + 1) * 128 > table.length) {
        const bigger = new Uint8Array(table.length * 2);
        bigger.set(table);
        table = bigger;
        if (!own) st.table = bigger;
      }
      prevOff = slots * 128;
      table.set(sock[kSockaddr]().subarray(0, len), prevOff);
      prevLen = len;
      slots++;
      prevAddr = a;
      prevParts = Array.isArray(a) ? a.slice() : null;
    }
    info[2 * i] = prevOff;
    info[2 * i + 1] = prevLen;
  }
  return { datas, dataIndex, count: n, table: info === null ? null : table, info, flags: toFlags('sendmmsg', flags) };
}

/** One sendmmsg(2) (or, without it, sendmsg(2) per message until one would block): count or -errno. */
export function attemptSendmmsg(fd: number, op: SendmmsgOp): number {
  if (op.count === 0) return 0;
  if (mnative.sendmmsg !== undefined) {
    return mnative.sendmmsg(fd, op.datas, op.table, op.info, op.flags, op.dataIndex, op.count);
  }
  let sent = 0;
  for (let i = 0; i < op.count; i++) {
    const d = op.datas[op.dataIndex[i]!]!;
    const off = op.info === null ? -1 : op.info[2 * i]!;
    const sa = off < 0 ? null : op.table!.subarray(off, off + 128);
    const r = mnative.sendmsg(fd, Array.isArray(d) ? d : [d], null, op.flags, sa, off < 0 ? 0 : op.info![2 * i + 1]!);
    if (r < 0) return sent > 0 ? sent : r;
    sent++;
  }
  return sent;
}

/**
 * sendmmsg(messages[, flags]): sends each `[data, address?]` as one datagram,
 * in one system call where the platform has sendmmsg(2). Returns how many
 * were sent (at most MAX_BATCH = 1024 per call; fewer when the socket buffer
 * fills in non-blocking mode or an error stops the batch after the first).
 * @syscall sendmmsg(2) — waits writable under the socket's timeout; elsewhere sendmsg(2) per message
 * @throws {OSError} when the first message fails · {TypeError} malformed messages (before anything is sent)
 */
export function sendmmsgFor(sock: Socket, ...args: SendmmsgArgs): number {
  const op = prepareSendmmsg(sock, args);
  return loop(sock, POLLOUT, 'sendmmsg', op.flags, (fd) => attemptSendmmsg(fd, op));
}

/** A validated recvmmsg batch. */
export interface RecvmmsgOp {
  vlen: number;
  bufsize: number;
  flags: number;
  slab: Buffer;
  /** The slab is private to this call (results are views of it) or shared (results are copies). */
  fresh: boolean;
  st: BatchState;
}

const FRESH_SLAB_LIMIT = 65536;
let sharedSlab: Buffer | null = null;

/** Validates recvmmsg(vlen, bufsize[, flags]). */
export function prepareRecvmmsg(sock: Socket, args: RecvmmsgArgs): RecvmmsgOp {
  if ((args as readonly unknown[]).length < 2) throw new TypeError(`recvmmsg() takes at least 2 arguments (${args.length} given)`);
  const vlen = toInt('recvmmsg', 'vlen', args[0]);
  if (vlen < 1 || vlen > MAX_BATCH) throw new RangeError(`recvmmsg(): vlen must be 1-${MAX_BATCH}`);
  const bufsize = toInt('recvmmsg', 'bufsize', args[1]);
  if (bufsize < 0) throw new RangeError('negative buffer size in recvmmsg()');
  if (bufsize > SOCKLEN_LIMIT || bufsize * vlen > 2 ** 31) throw new RangeError('recvmmsg(): vlen * bufsize is too large');
  const flags = toFlags('recvmmsg', args[2]);
  const st = batchState(sock, vlen);
  const total = vlen * bufsize;
  let slab: Buffer;
  let fresh = true;
  if (total <= FRESH_SLAB_LIMIT) {
    slab = Buffer.allocUnsafeSlow(total);
  } else {
    fresh = false;
    if (sharedSlab === null || sharedSlab.length < total) sharedSlab = Buffer.allocUnsafeSlow(total);
    slab = sharedSlab;
  }
  return { vlen, bufsize, flags, slab, fresh, st };
}

/**
 * One recvmmsg(2) with MSG_WAITFORONE (or recvmsg(2) per datagram until one
 * would block): datagrams received or -errno.
 */
export function attemptRecvmmsg(fd: number, op: RecvmmsgOp): number {
  const st = op.st;
  if (mnative.recvmmsg !== undefined) {
    return mnative.recvmmsg(fd, op.slab, op.bufsize, op.vlen, op.flags | (MSG_WAITFORONE ?? 0), st.addrs, st.out);
  }
  const out2 = new Int32Array(2);
  let got = 0;
  let end = 0; // the compacted bytes so far, as the addon leaves them
  for (let i = 0; i < op.vlen; i++) {
    const view = op.slab.subarray(i * op.bufsize, (i + 1) * op.bufsize);
    const fl = got === 0 ? op.flags : op.flags | DONTWAIT;
    const r = mnative.recvmsg(fd, view, 0, fl, st.views[i]!, out2, []);
    if (r < 0) return got > 0 ? got : r;
    st.out[2 * i] = r;
    st.out[2 * i + 1] = out2[0]!;
    const len = Math.min(r, op.bufsize);
    if (end !== i * op.bufsize) op.slab.copyWithin(end, i * op.bufsize, i * op.bufsize + len);
    end += len;
    got++;
  }
  return got;
}

/** The decoded address of datagram i, reusing the last decoding when the bytes repeat. */
function addressAt(st: BatchState, i: number): SockAddr {
  const w = st.words;
  const base = i * (SCRATCH >> 2);
  const len = w[base]!;
  const nw = (len + 3) >> 2;
  if (len === st.lastKeyLen && len > 0 && len <= 128) {
    let same = true;
    for (let k = 0; k < nw; k++) {
      if (w[base + 2 + k] !== st.lastKey[k]) { same = false; break; }
    }
    // Comparing whole words may compare a few bytes past the address: that
    // can only miss the cache, never hit it wrongly.
    if (same) {
      const a = st.lastAddr;
      return Array.isArray(a) ? a.slice() : a;
    }
  }
  const addr = decodeScratch(st.views[i]!);
  if (len > 0 && len <= 128) {
    for (let k = 0; k < nw; k++) st.lastKey[k] = w[base + 2 + k]!;
    st.lastKeyLen = len;
    st.lastAddr = Array.isArray(addr) ? addr.slice() : addr;
  } else {
    st.lastKeyLen = -1;
  }
  return addr;
}

/** recvmmsg's result after a successful attempt. */
export function finishRecvmmsg(op: RecvmmsgOp, r: number): RecvmmsgResult {
  const res: RecvmmsgResult = new Array(r);
  const out = op.st.out;
  // The datagrams lie back to back at the start of the slab (compacted by the
  // addon or attemptRecvmmsg): a shared slab is copied out in one piece, and
  // each datagram is a view of that copy (or of the call's own slab).
  let total = 0;
  for (let i = 0; i < r; i++) total += Math.min(out[2 * i]!, op.bufsize);
  let base = op.slab;
  if (!op.fresh) {
    base = Buffer.allocUnsafe(total);
    op.slab.copy(base, 0, 0, total);
  }
  const ab = base.buffer;
  let off = base.byteOffset;
  for (let i = 0; i < r; i++) {
    const len = Math.min(out[2 * i]!, op.bufsize);
    res[i] = [Buffer.from(ab, off, len), addressAt(op.st, i), out[2 * i + 1]!];
    off += len;
  }
  return res;
}

/**
 * recvmmsg(vlen, bufsize[, flags]) -> [[data, address, msg_flags], ...]: waits
 * (under the socket's timeout) for one datagram, then takes the ones already
 * queued, up to `vlen` (MSG_WAITFORONE).
 * @syscall recvmmsg(2) — waits readable under the socket's timeout; elsewhere recvmsg(2) per datagram
 * @throws {TimeoutError} · {BlockingIOError} · {OSError} · {RangeError} vlen outside 1-1024, negative bufsize
 */
export function recvmmsgFor(sock: Socket, ...args: RecvmmsgArgs): RecvmmsgResult {
  const op = prepareRecvmmsg(sock, args);
  const r = loop(sock, POLLIN, 'recvmmsg', op.flags, (fd) => attemptRecvmmsg(fd, op));
  return finishRecvmmsg(op, r);
}
