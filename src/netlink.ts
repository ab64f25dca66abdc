/**
 * A small typed helper for netlink messages (netlink(7), rtnetlink(7)):
 * build and parse `nlmsghdr` and `rtattr`, the three rtnetlink headers
 * (`ifinfomsg`, `ifaddrmsg`, `rtmsg`), and dump links, addresses and routes
 * in a few lines over an `AF_NETLINK` socket of this library.
 *
 * ```ts
 * import * as socket from 'bsd-socket';
 * for (const r of socket.netlink.dumpRoutes(socket.AF_INET)) console.log(r.dst, r.dstLen, r.gateway, r.oif);
 * ```
 *
 * Sizes come from the kernel headers (native `family_sizes`); field offsets
 * are the kernel's fixed ABI, in host byte order as netlink itself.
 */
import { Buffer } from 'node:buffer';
import {
  AF_INET, AF_INET6, AF_NETLINK, AF_UNSPEC, SOCK_RAW, SOCK_CLOEXEC, NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR,
  NLM_F_REQUEST, NLM_F_DUMP, NLM_F_ACK, NLM_F_MULTI, RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_NEWLINK,
  RTM_NEWADDR, RTM_NEWROUTE, IFLA_IFNAME, IFLA_MTU, IFLA_ADDRESS, IFLA_BROADCAST, IFLA_OPERSTATE, IFA_ADDRESS,
  IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, RTA_DST, RTA_SRC, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC,
  RTA_TABLE, SOL_NETLINK, NETLINK_EXT_ACK,
} from './constants.js';
import { native } from './native.js';
import { errnoError, OSError } from './errors.js';
import { Socket, socket as newSocket } from './socket.js';
import { structSizes } from './families.js';
import { HOST_LE } from './internal.js';

const LE = HOST_LE;
const size = (name: string, fallback: number): number => structSizes[name] ?? fallback;

/** sizeof(struct nlmsghdr), from the headers. */
export const NLMSG_HDRLEN = size('nlmsghdr', 16);
/** sizeof(struct rtattr). */
export const RTA_HDRLEN = size('rtattr', 4);
/** sizeof(struct ifinfomsg): the attributes of a link message start at align4() of it. */
export const IFINFOMSG_LEN = size('ifinfomsg', 16);
/** sizeof(struct ifaddrmsg). */
export const IFADDRMSG_LEN = size('ifaddrmsg', 8);
/** sizeof(struct rtmsg). */
export const RTMSG_LEN = size('rtmsg', 12);

/** NLMSG_ALIGN / RTA_ALIGN: rounds up to 4 bytes. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** One netlink message: the nlmsghdr fields and its payload (a view into the received bytes). */
export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

/** One attribute (rtattr/nlattr): its type (NLA_F_* bits kept) and data. */
export interface Attribute {
  type: number;
  data: Buffer;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Builds one netlink message: a nlmsghdr followed by `parts` (each padded to
 * 4 bytes, as NLMSG_ALIGN would place them).
 * @syscall none
 */
export function buildMessage(type: number, flags: number, seq: number, parts: Uint8Array[] = [], pid = 0): Buffer {
  let len = NLMSG_HDRLEN;
  for (const p of parts) len = align4(len) + p.byteLength;
  const out = Buffer.alloc(align4(len));
  const dv = view(out);
  dv.setUint32(0, len, LE);
  dv.setUint16(4, type, LE);
  dv.setUint16(6, flags, LE);
  dv.setUint32(8, seq >>> 0, LE);
  dv.setUint32(12, pid >>> 0, LE);
  let off = NLMSG_HDRLEN;
  for (const p of parts) {
    off = align4(off);
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/**
 * Builds one attribute: rtattr header plus data, padded to 4 bytes. Numbers
 * are u32, strings NUL-terminated UTF-8, arrays of attributes nest.
 * @syscall none
 */
export function buildAttribute(type: number, data: Uint8Array | string | number | Uint8Array[]): Buffer {
  let body: Uint8Array;
  if (typeof data === 'number') {
    body = Buffer.alloc(4);
    view(body).setUint32(0, data >>> 0, LE);
  } else if (typeof data === 'string') {
    body = Buffer.concat([Buffer.from(data, 'utf8'), Buffer.alloc(1)]);
  } else if (Array.isArray(data)) {
    body = Buffer.concat(data.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  } else {
    body = data;
  }
  const len = RTA_HDRLEN + body.byteLength;
  const out = Buffer.alloc(align4(len));
  view(out).setUint16(0, len, LE);
  view(out).setUint16(2, type, LE);
  out.set(body, RTA_HDRLEN);
  return out;
}

/**
 * Splits received bytes into netlink messages (NLMSG_OK/NLMSG_NEXT); a
 * truncated trailing message is dropped.
 * @syscall none
 */
export function parseMessages(buf: Uint8Array): NetlinkMessage[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const dv = view(b);
  const out: NetlinkMessage[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= b.length) {
    const len = dv.getUint32(off, LE);
    if (len < NLMSG_HDRLEN || off + len > b.length) break;
    out.push({
      type: dv.getUint16(off + 4, LE),
      flags: dv.getUint16(off + 6, LE),
      seq: dv.getUint32(off + 8, LE),
      pid: dv.getUint32(off + 12, LE),
      payload: b.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return out;
}

/**
 * Splits attribute bytes (RTA_OK/RTA_NEXT) starting at `offset`.
 * @syscall none
 */
export function parseAttributes(buf: Uint8Array, offset = 0): Attribute[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const dv = view(b);
  const out: Attribute[] = [];
  let off = offset;
  while (off + RTA_HDRLEN <= b.length) {
    const len = dv.getUint16(off, LE);
    if (len < RTA_HDRLEN || off + len > b.length) break;
    out.push({ type: dv.getUint16(off + 2, LE), data: b.subarray(off + RTA_HDRLEN, off + len) });
    off += align4(len);
  }
  return out;
}

/** The attributes as a map type -> data (NLA_F_NESTED/NET_BYTEORDER bits cleared; last one wins). */
export function attributeMap(attrs: Attribute[]): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of attrs) m.set(a.type & 0x3fff, a.data);
  return m;
}

/**
 * The errno of an NLMSG_ERROR message: 0 for an acknowledgement, a positive
 * errno for a failure.
 */
export function messageError(msg: NetlinkMessage): number {
  if (msg.type !== NLMSG_ERROR || msg.payload.length < 4) return 0;
  return -view(msg.payload).getInt32(0, LE);
}

// ---- rtnetlink headers ----------------------------------------------------------

/** struct ifinfomsg. */
export interface IfInfoMsg { family: number; type: number; index: number; flags: number; change: number }
/** struct ifaddrmsg. */
export interface IfAddrMsg { family: number; prefixlen: number; flags: number; scope: number; index: number }
/** struct rtmsg. */
export interface RtMsg {
  family: number; dstLen: number; srcLen: number; tos: number;
  table: number; protocol: number; scope: number; type: number; flags: number;
}

/** Packs a struct ifinfomsg. */
export function buildIfInfoMsg(m: Partial<IfInfoMsg> = {}): Buffer {
  const out = Buffer.alloc(IFINFOMSG_LEN);
  const dv = view(out);
  dv.setUint8(0, m.family ?? AF_UNSPEC);
  dv.setUint16(2, m.type ?? 0, LE);
  dv.setInt32(4, m.index ?? 0, LE);
  dv.setUint32(8, m.flags ?? 0, LE);
  dv.setUint32(12, m.change ?? 0, LE);
  return out;
}

/** Unpacks a struct ifinfomsg from the start of a payload. */
export function parseIfInfoMsg(p: Uint8Array): IfInfoMsg {
  const dv = view(p);
  return { family: dv.getUint8(0), type: dv.getUint16(2, LE), index: dv.getInt32(4, LE),
    flags: dv.getUint32(8, LE), change: dv.getUint32(12, LE) };
}

/** Packs a struct ifaddrmsg. */
export function buildIfAddrMsg(m: Partial<IfAddrMsg> = {}): Buffer {
  const out = Buffer.alloc(IFADDRMSG_LEN);
  const dv = view(out);
  dv.setUint8(0, m.family ?? AF_UNSPEC);
  dv.setUint8(1, m.prefixlen ?? 0);
  dv.setUint8(2, m.flags ?? 0);
  dv.setUint8(3, m.scope ?? 0);
  dv.setUint32(4, m.index ?? 0, LE);
  return out;
}

/** Unpacks a struct ifaddrmsg. */
export function parseIfAddrMsg(p: Uint8Array): IfAddrMsg {
  const dv = view(p);
  return { family: dv.getUint8(0), prefixlen: dv.getUint8(1), flags: dv.getUint8(2), scope: dv.getUint8(3),
    index: dv.getUint32(4, LE) };
}

/** Packs a struct rtmsg. */
export function buildRtMsg(m: Partial<RtMsg> = {}): Buffer {
  const out = Buffer.alloc(RTMSG_LEN);
  const dv = view(out);
  dv.setUint8(0, m.family ?? AF_UNSPEC);
  dv.setUint8(1, m.dstLen ?? 0);
  dv.setUint8(2, m.srcLen ?? 0);
  dv.setUint8(3, m.tos ?? 0);
  dv.setUint8(4, m.table ?? 0);
  dv.setUint8(5, m.protocol ?? 0);
  dv.setUint8(6, m.scope ?? 0);
  dv.setUint8(7, m.type ?? 0);
  dv.setUint32(8, m.flags ?? 0, LE);
  return out;
}

/** Unpacks a struct rtmsg. */
export function parseRtMsg(p: Uint8Array): RtMsg {
  const dv = view(p);
  return { family: dv.getUint8(0), dstLen: dv.getUint8(1), srcLen: dv.getUint8(2), tos: dv.getUint8(3),
    table: dv.getUint8(4), protocol: dv.getUint8(5), scope: dv.getUint8(6), type: dv.getUint8(7),
    flags: dv.getUint32(8, LE) };
}

// ---- requests ------------------------------------------------------------------

let nextSeq = (Date.now() & 0x7fffffff) >>> 0;

/**
 * Sends one request on a netlink socket and collects the answer: for a dump
 * (NLM_F_DUMP) every message up to NLMSG_DONE, otherwise up to the
 * acknowledgement (NLM_F_ACK is added). Messages of other sequence numbers
 * are skipped; `maxMessages` bounds the loop.
 * @syscall sendto(2), recv(2)
 * @throws {OSError} the errno of an NLMSG_ERROR answer, or of the calls
 */
export function request(sock: Socket, type: number, flags: number, parts: Uint8Array[] = [],
  maxMessages = 1_000_000): NetlinkMessage[] {
  const seq = (nextSeq = (nextSeq + 1) >>> 0);
  const dump = (flags & NLM_F_DUMP) === NLM_F_DUMP;
  const fl = NLM_F_REQUEST | flags | (dump ? 0 : NLM_F_ACK);
  sock.sendto(buildMessage(type, fl, seq, parts), [0, 0]);
  const out: NetlinkMessage[] = [];
  for (let seen = 0; seen < maxMessages;) {
    const data = sock.recv(1 << 18);
    if (data.length === 0) throw new OSError('netlink: connection closed before the answer ended');
    for (const m of parseMessages(data)) {
      seen++;
      if (m.seq !== seq) continue;
      if (m.type === NLMSG_DONE) return out;
      if (m.type === NLMSG_ERROR) {
        const e = messageError(m);
        if (e !== 0) throw errnoError(e, 'netlink');
        if (!dump) return out;
        continue;
      }
      out.push(m);
      if (!dump && (m.flags & NLM_F_MULTI) === 0 && (fl & NLM_F_ACK) === 0) return out;
    }
  }
  throw new OSError(`netlink: more than ${maxMessages} messages in one answer`);
}

/**
 * Opens a NETLINK_ROUTE socket (close it, or use `using`).
 * @syscall socket(2) AF_NETLINK, bind(2)
 * @throws {OSError} EAFNOSUPPORT where there is no netlink
 */
export function routeSocket(): Socket {
  const s = newSocket(AF_NETLINK, SOCK_RAW | (SOCK_CLOEXEC ?? 0), NETLINK_ROUTE);
  try {
    s.bind([0, 0]);
    // Extended acks give better errors; an old kernel without them is fine.
    if (NETLINK_EXT_ACK !== undefined) {
      try { s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1); } catch { /* optional */ }
    }
  } catch (e) {
    s.close();
    throw e;
  }
  return s;
}

function withRoute<T>(sock: Socket | undefined, fn: (s: Socket) => T): T {
  if (sock) return fn(sock);
  const s = routeSocket();
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

/** A link of RTM_GETLINK's dump. */
export interface Link {
  index: number;
  name: string;
  /** ARPHRD_* type. */
  type: number;
  /** IFF_* flags. */
  flags: number;
  mtu: number | null;
  /** Hardware address as 'aa:bb:..', or null. */
  address: string | null;
  broadcast: string | null;
  operstate: number | null;
}

/** An address of RTM_GETADDR's dump. */
export interface InterfaceAddress {
  index: number;
  family: number;
  prefixlen: number;
  scope: number;
  flags: number;
  /** IFA_ADDRESS (the peer on point-to-point links). */
  address: string | null;
  /** IFA_LOCAL (the local address where it differs). */
  local: string | null;
  broadcast: string | null;
  label: string | null;
}

/** A route of RTM_GETROUTE's dump. */
export interface Route extends RtMsg {
  /** Destination prefix or null for the default route. */
  dst: string | null;
  src: string | null;
  gateway: string | null;
  prefsrc: string | null;
  oif: number | null;
  priority: number | null;
  /** RTA_TABLE when present (tables above 255), else rtm_table. */
  tableId: number;
}

const hex = (b: Buffer): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
const cstr = (b: Buffer): string => {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
};
const u32 = (b: Buffer | undefined): number | null => (b && b.length >= 4 ? view(b).getUint32(0, LE) : null);

/** Network-layer bytes as text (inet_ntop), or hex for other families. */
export function addressText(family: number, b: Buffer | undefined): string | null {
  if (!b) return null;
  if ((family === AF_INET && b.length === 4) || (family === AF_INET6 && b.length === 16)) {
    const r = native.inet_ntop(family, b);
    if (typeof r === 'string') return r;
  }
  return hex(b);
}

/**
 * Every network interface (RTM_GETLINK dump).
 * @syscall socket(2), sendto(2), recv(2) on NETLINK_ROUTE
 * @throws {OSError}
 */
export function dumpLinks(sock?: Socket): Link[] {
  return withRoute(sock, (s) => request(s, RTM_GETLINK, NLM_F_DUMP, [buildIfInfoMsg()])
    .filter((m) => m.type === RTM_NEWLINK)
    .map((m) => {
      const h = parseIfInfoMsg(m.payload);
      const a = attributeMap(parseAttributes(m.payload, align4(IFINFOMSG_LEN)));
      const addr = a.get(IFLA_ADDRESS);
      const brd = a.get(IFLA_BROADCAST);
      const op = a.get(IFLA_OPERSTATE);
      return {
        index: h.index, name: cstr(a.get(IFLA_IFNAME) ?? Buffer.alloc(0)), type: h.type, flags: h.flags,
        mtu: u32(a.get(IFLA_MTU)), address: addr ? hex(addr) : null, broadcast: brd ? hex(brd) : null,
        operstate: op && op.length > 0 ? op[0]! : null,
      };
    }));
}

/**
 * Every interface address of `family` (AF_UNSPEC: all) (RTM_GETADDR dump).
 * @syscall socket(2), sendto(2), recv(2) on NETLINK_ROUTE
 * @throws {OSError}
 */
export function dumpAddresses(family: number = AF_UNSPEC, sock?: Socket): InterfaceAddress[] {
  return withRoute(sock, (s) => request(s, RTM_GETADDR, NLM_F_DUMP, [buildIfAddrMsg({ family })])
    .filter((m) => m.type === RTM_NEWADDR)
    .map((m) => {
      const h = parseIfAddrMsg(m.payload);
      const a = attributeMap(parseAttributes(m.payload, align4(IFADDRMSG_LEN)));
      const label = a.get(IFA_LABEL);
      return {
        index: h.index, family: h.family, prefixlen: h.prefixlen, scope: h.scope, flags: h.flags,
        address: addressText(h.family, a.get(IFA_ADDRESS)), local: addressText(h.family, a.get(IFA_LOCAL)),
        broadcast: addressText(h.family, a.get(IFA_BROADCAST)), label: label ? cstr(label) : null,
      };
    }));
}

/**
 * Every route of `family` (AF_UNSPEC: all), every table (RTM_GETROUTE dump).
 * @syscall socket(2), sendto(2), recv(2) on NETLINK_ROUTE
 * @throws {OSError}
 */
export function dumpRoutes(family: number = AF_UNSPEC, sock?: Socket): Route[] {
  return withRoute(sock, (s) => request(s, RTM_GETROUTE, NLM_F_DUMP, [buildRtMsg({ family })])
    .filter((m) => m.type === RTM_NEWROUTE)
    .map((m) => {
      const h = parseRtMsg(m.payload);
      const a = attributeMap(parseAttributes(m.payload, align4(RTMSG_LEN)));
      return {
        ...h,
        dst: addressText(h.family, a.get(RTA_DST)), src: addressText(h.family, a.get(RTA_SRC)),
        gateway: addressText(h.family, a.get(RTA_GATEWAY)), prefsrc: addressText(h.family, a.get(RTA_PREFSRC)),
        oif: u32(a.get(RTA_OIF)), priority: u32(a.get(RTA_PRIORITY)), tableId: u32(a.get(RTA_TABLE)) ?? h.table,
      };
    }));
}
