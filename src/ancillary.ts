/**
 * Typed helpers for the common ancillary data items, so that users of
 * sendmsg/recvmsg do not pack C structs by hand: descriptor arrays
 * (SCM_RIGHTS), credentials (SCM_CREDENTIALS), in_pktinfo / in6_pktinfo,
 * integer items (hop limit, traffic class, TTL, TOS), timeval / timespec
 * timestamps and sock_extended_err (IP_RECVERR / IPV6_RECVERR).
 *
 * Encoders return an item ready for sendmsg's ancdata; decoders take an
 * item's data (native byte order, Linux layouts) and refuse data too short
 * for the struct with a RangeError.
 */
import { Buffer } from 'node:buffer';
import { native } from './native.js';
import {
  AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_IPV6, IPV6_HOPLIMIT, IPV6_PKTINFO, IPV6_RECVERR, IPV6_TCLASS,
  IP_PKTINFO, IP_RECVERR, IP_TOS, IP_TTL, SCM_CREDENTIALS, SCM_RIGHTS, SCM_TIMESTAMP, SCM_TIMESTAMPNS, SOL_SOCKET,
} from './constants.js';
import { OSError } from './errors.js';
import { type SockAddr, decodeRaw } from './address.js';
import { type AncillaryItem, closeReceivedFds } from './messages.js';
import { toBytes, toCInt, toIntIn, typeName } from './validate.js';
import { HOST_LE } from './internal.js';

const LE = HOST_LE;

function view(caller: string, data: Uint8Array | ArrayBuffer, min: number): DataView {
  const b = toBytes(caller, data);
  if (b.byteLength < min) {
    throw new RangeError(`${caller}(): ancillary data too short (${b.byteLength} bytes, need ${min})`);
  }
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function ipBytes(caller: string, family: number, host: unknown): Uint8Array {
  if (typeof host !== 'string') throw new TypeError(`${caller}(): address must be a string, not ${typeName(host)}`);
  const r = native.inet_pton(family, host);
  if (!(r instanceof Buffer)) throw new OSError(`${caller}(): illegal IP address string: '${host}'`);
  return r;
}

function ipText(family: number, bytes: Uint8Array): string {
  const r = native.inet_ntop(family, bytes);
  return typeof r === 'string' ? r : '';
}

// ---- SCM_RIGHTS ----------------------------------------------------------------

/** `[SOL_SOCKET, SCM_RIGHTS, int[]]`: descriptors to pass over an AF_UNIX socket. */
export function fdsItem(fds: Iterable<number>): AncillaryItem {
  const list: number[] = [];
  for (const fd of fds) list.push(toCInt('fdsItem', 'file descriptor', fd));
  const a = Int32Array.from(list);
  return [SOL_SOCKET, SCM_RIGHTS, Buffer.from(a.buffer, a.byteOffset, a.byteLength)];
}

/** The whole descriptors in an SCM_RIGHTS item's data (a trailing partial int is ignored). */
export function decodeFds(data: Uint8Array): number[] {
  const b = toBytes('decodeFds', data);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.byteLength; i += 4) out.push(dv.getInt32(i, LE));
  return out;
}

/** Every descriptor carried by the SCM_RIGHTS items of a recvmsg result's ancdata. */
export function fdsOf(ancdata: Iterable<readonly [number, number, Uint8Array]>): number[] {
  const out: number[] = [];
  for (const [level, type, data] of ancdata) {
    if (level === SOL_SOCKET && type === SCM_RIGHTS) out.push(...decodeFds(data));
  }
  return out;
}

/**
 * Closes every descriptor received in `ancdata` (for code that does not want
 * them, so they do not leak).
 * @syscall close(2)
 */
export function closeFds(ancdata: readonly AncillaryItem[]): void {
  closeReceivedFds(ancdata);
}

// ---- SCM_CREDENTIALS ----------------------------------------------------------------

/** struct ucred (Linux). */
export interface Ucred {
  pid: number;
  uid: number;
  gid: number;
}

/** `[SOL_SOCKET, SCM_CREDENTIALS, struct ucred]` (the kernel checks them against the sender). */
export function credentialsItem(cred: Ucred): AncillaryItem {
  const b = Buffer.alloc(12);
  const dv = new DataView(b.buffer, b.byteOffset, 12);
  dv.setInt32(0, toCInt('credentialsItem', 'pid', cred.pid), LE);
  dv.setUint32(4, toIntIn('credentialsItem', 'uid', cred.uid, 0, 0xffffffff), LE);
  dv.setUint32(8, toIntIn('credentialsItem', 'gid', cred.gid, 0, 0xffffffff), LE);
  return [SOL_SOCKET, SCM_CREDENTIALS, b];
}

/** struct ucred from an SCM_CREDENTIALS item (received with SO_PASSCRED on). */
export function decodeCredentials(data: Uint8Array): Ucred {
  const dv = view('decodeCredentials', data, 12);
  return { pid: dv.getInt32(0, LE), uid: dv.getUint32(4, LE), gid: dv.getUint32(8, LE) };
}

// ---- IP_PKTINFO / IPV6_PKTINFO --------------------------------------------------------

/** struct in_pktinfo: interface index, local (spec_dst) and header destination addresses. */
export interface InPktinfo {
  ifindex: number;
  spec_dst: string;
  addr: string;
}

/** `[IPPROTO_IP, IP_PKTINFO, struct in_pktinfo]`: chooses the outgoing interface / source. */
export function pktinfoItem(info: Partial<InPktinfo>): AncillaryItem {
  const b = Buffer.alloc(12);
  new DataView(b.buffer, b.byteOffset, 12).setInt32(0, toCInt('pktinfoItem', 'ifindex', info.ifindex ?? 0), LE);
  b.set(ipBytes('pktinfoItem', AF_INET, info.spec_dst ?? '0.0.0.0'), 4);
  b.set(ipBytes('pktinfoItem', AF_INET, info.addr ?? '0.0.0.0'), 8);
  return [IPPROTO_IP, IP_PKTINFO, b];
}

/** struct in_pktinfo from an IP_PKTINFO item. */
export function decodePktinfo(data: Uint8Array): InPktinfo {
  const dv = view('decodePktinfo', data, 12);
  const b = new Uint8Array(dv.buffer, dv.byteOffset, 12);
  return { ifindex: dv.getInt32(0, LE), spec_dst: ipText(AF_INET, b.subarray(4, 8)), addr: ipText(AF_INET, b.subarray(8, 12)) };
}

/** struct in6_pktinfo (RFC 3542). */
export interface In6Pktinfo {
  addr: string;
  ifindex: number;
}

/** `[IPPROTO_IPV6, IPV6_PKTINFO, struct in6_pktinfo]`. */
export function pktinfo6Item(info: Partial<In6Pktinfo>): AncillaryItem {
  const b = Buffer.alloc(20);
  b.set(ipBytes('pktinfo6Item', AF_INET6, info.addr ?? '::'), 0);
  new DataView(b.buffer, b.byteOffset, 20).setUint32(16, toIntIn('pktinfo6Item', 'ifindex', info.ifindex ?? 0, 0, 0xffffffff), LE);
  return [IPPROTO_IPV6, IPV6_PKTINFO, b];
}

/** struct in6_pktinfo from an IPV6_PKTINFO item. */
export function decodePktinfo6(data: Uint8Array): In6Pktinfo {
  const dv = view('decodePktinfo6', data, 20);
  return { addr: ipText(AF_INET6, new Uint8Array(dv.buffer, dv.byteOffset, 16)), ifindex: dv.getUint32(16, LE) };
}

// ---- integer items ------------------------------------------------------------------------

/** `[level, type, int]`: IPV6_HOPLIMIT, IPV6_TCLASS, IP_TTL... (native byte order). */
export function intItem(level: number, type: number, value: number): AncillaryItem {
  const b = Buffer.alloc(4);
  new DataView(b.buffer, b.byteOffset, 4).setInt32(0, toCInt('intItem', 'value', value), LE);
  return [toCInt('intItem', 'level', level), toCInt('intItem', 'type', type), b];
}

/** An int item's value; a one-byte item (IP_TOS from IP_RECVTOS) is that byte. */
export function decodeInt(data: Uint8Array): number {
  const b = toBytes('decodeInt', data);
  if (b.byteLength === 1) return b[0]!;
  return view('decodeInt', b, 4).getInt32(0, LE);
}

// ---- timestamps ---------------------------------------------------------------------------

/** struct timeval (SO_TIMESTAMP). */
export interface Timeval {
  sec: number;
  usec: number;
}

/** struct timespec (SO_TIMESTAMPNS). */
export interface Timespec {
  sec: number;
  nsec: number;
}

/** Two C longs (64-bit platforms: 16 bytes) or two 32-bit fields (8 bytes). */
function twoLongs(caller: string, data: Uint8Array): [number, number] {
  const b = toBytes(caller, data);
  if (b.byteLength >= 16) {
    const dv = view(caller, b, 16);
    return [Number(dv.getBigInt64(0, LE)), Number(dv.getBigInt64(8, LE))];
  }
  const dv = view(caller, b, 8);
  return [dv.getInt32(0, LE), dv.getInt32(4, LE)];
}

/** struct timeval from an SCM_TIMESTAMP item. */
export function decodeTimeval(data: Uint8Array): Timeval {
  const [sec, usec] = twoLongs('decodeTimeval', data);
  return { sec, usec };
}

/** struct timespec from an SCM_TIMESTAMPNS item. */
export function decodeTimespec(data: Uint8Array): Timespec {
  const [sec, nsec] = twoLongs('decodeTimespec', data);
  return { sec, nsec };
}

// ---- IP_RECVERR / IPV6_RECVERR ---------------------------------------------------------------

/** struct sock_extended_err and the offending address that follows it (SO_EE_OFFENDER). */
export interface ExtendedErr {
  ee_errno: number;
  ee_origin: number;
  ee_type: number;
  ee_code: number;
  ee_info: number;
  ee_data: number;
  /** The address of the node that reported the error, or null when absent. */
  offender: SockAddr;
}

const EE_SIZE = 16;

/** struct sock_extended_err from an IP_RECVERR / IPV6_RECVERR item (read with MSG_ERRQUEUE). */
export function decodeExtendedErr(data: Uint8Array): ExtendedErr {
  const dv = view('decodeExtendedErr', data, EE_SIZE);
  const b = new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength);
  let offender: SockAddr = null;
  const rest = b.subarray(EE_SIZE);
  if (rest.byteLength >= 2) {
    // Copied: the decoder wants its own, aligned bytes.
    const sa = Buffer.from(rest.subarray(0, Math.min(rest.byteLength, 128)));
    const raw = native.decode_sockaddr(sa, sa.length);
    offender = raw === null || raw[0] === 0 ? null : decodeRaw(raw);
  }
  return {
    ee_errno: dv.getUint32(0, LE),
    ee_origin: dv.getUint8(4),
    ee_type: dv.getUint8(5),
    ee_code: dv.getUint8(6),
    ee_info: dv.getUint32(8, LE),
    ee_data: dv.getUint32(12, LE),
    offender,
  };
}

// ---- one dispatcher -----------------------------------------------------------------------------

/** What decodeAncillary makes of an item it knows; `raw` for any other. */
export type DecodedAncillary =
  | { kind: 'fds'; fds: number[] }
  | { kind: 'credentials'; value: Ucred }
  | { kind: 'pktinfo'; value: InPktinfo }
  | { kind: 'pktinfo6'; value: In6Pktinfo }
  | { kind: 'hoplimit' | 'tclass' | 'ttl' | 'tos'; value: number }
  | { kind: 'timestamp'; value: Timeval }
  | { kind: 'timestampns'; value: Timespec }
  | { kind: 'recverr'; value: ExtendedErr }
  | { kind: 'raw'; level: number; type: number; data: Buffer };

/** Decodes one `[level, type, data]` item of recvmsg's ancdata by its level and type. */
export function decodeAncillary(item: readonly [number, number, Uint8Array]): DecodedAncillary {
  const [level, type, data] = item;
  if (level === SOL_SOCKET) {
    if (type === SCM_RIGHTS) return { kind: 'fds', fds: decodeFds(data) };
    if (type === SCM_CREDENTIALS) return { kind: 'credentials', value: decodeCredentials(data) };
    if (type === SCM_TIMESTAMP) return { kind: 'timestamp', value: decodeTimeval(data) };
    if (type === SCM_TIMESTAMPNS) return { kind: 'timestampns', value: decodeTimespec(data) };
  } else if (level === IPPROTO_IP) {
    if (type === IP_PKTINFO) return { kind: 'pktinfo', value: decodePktinfo(data) };
    if (type === IP_TTL) return { kind: 'ttl', value: decodeInt(data) };
    if (type === IP_TOS) return { kind: 'tos', value: decodeInt(data) };
    if (type === IP_RECVERR) return { kind: 'recverr', value: decodeExtendedErr(data) };
  } else if (level === IPPROTO_IPV6) {
    if (type === IPV6_PKTINFO) return { kind: 'pktinfo6', value: decodePktinfo6(data) };
    if (type === IPV6_HOPLIMIT) return { kind: 'hoplimit', value: decodeInt(data) };
    if (type === IPV6_TCLASS) return { kind: 'tclass', value: decodeInt(data) };
    if (type === IPV6_RECVERR) return { kind: 'recverr', value: decodeExtendedErr(data) };
  }
  return { kind: 'raw', level, type, data: Buffer.from(toBytes('decodeAncillary', data)) };
}
