/**
 * Address codecs of the families beyond INET/INET6/UNIX, registered with
 * address.ts at import: netlink, packet, VSOCK, CAN (raw, BCM, ISO-TP,
 * J1939), ALG, TIPC, RDS, QIPCRTR and Bluetooth (where the headers have it).
 *
 * Validation follows CPython's getsockaddrarg: the same error classes (a
 * Python TypeError stays TypeError; ValueError and OverflowError become
 * RangeError; OSError stays OSError) and, where CPython words them itself,
 * the same messages. Fields CPython parses with the non-checking formats
 * ('I', 'k', 'K', 'H', 'B') wrap modulo their width exactly as CPython does;
 * fields parsed with 'i' raise on C int overflow.
 */
import { Buffer } from 'node:buffer';
import { native, type RawAddress } from './native.js';
import {
  AF_NETLINK, AF_PACKET, AF_VSOCK, AF_CAN, AF_ALG, AF_TIPC, AF_RDS, AF_QIPCRTR, AF_BLUETOOTH,
  CAN_RAW, CAN_BCM, CAN_ISOTP, CAN_J1939, PACKET_HOST, TIPC_ADDR_NAMESEQ, TIPC_ADDR_NAME, TIPC_ADDR_ID,
  TIPC_CLUSTER_SCOPE, BTPROTO_L2CAP, BTPROTO_RFCOMM, BTPROTO_HCI, BTPROTO_SCO, AF_INET,
} from './constants.js';
import { type SockAddr, decodeRaw, encodeAddress, newSockaddrBuffer, registerFamily, syncLookup } from './address.js';
import { OSError, errnoError } from './errors.js';
import { toBytes, typeName } from './validate.js';

/** The functions native/families.c adds to the addon. */
interface FamiliesNative {
  family_ifindex(name: Uint8Array): number;
  family_ifname(index: number): string | number;
  family_sizes(): Record<string, number>;
  encode_netlink?(out: Uint8Array, pid: number, groups: number): number;
  encode_packet?(out: Uint8Array, ifindex: number, proto: number, pkttype: number, hatype: number,
    haddr: Uint8Array | null): number;
  encode_vsock?(out: Uint8Array, cid: number, port: number): number;
  encode_can?(out: Uint8Array, ifindex: number): number;
  encode_can_isotp?(out: Uint8Array, ifindex: number, rx: number, tx: number): number;
  encode_can_j1939?(out: Uint8Array, ifindex: number, name: bigint, pgn: number, addr: number): number;
  encode_alg?(out: Uint8Array, type: Uint8Array, name: Uint8Array, feat: number, mask: number): number;
  encode_tipc?(out: Uint8Array, atype: number, v1: number, v2: number, v3: number, scope: number): number;
  encode_qipcrtr?(out: Uint8Array, node: number, port: number): number;
  encode_rds?(out: Uint8Array, packed: Uint8Array, port: number): number;
  encode_bt_l2cap?(out: Uint8Array, bdaddr: Uint8Array, psm: number): number;
  encode_bt_rfcomm?(out: Uint8Array, bdaddr: Uint8Array, channel: number): number;
  encode_bt_hci?(out: Uint8Array, dev: number): number;
  encode_bt_sco?(out: Uint8Array, bdaddr: Uint8Array): number;
}

/** @internal */
export const fnative = native as unknown as FamiliesNative & typeof native;
/** sizeof() of the kernel structures this module and netlink.ts lay out. */
export const structSizes: Readonly<Record<string, number>> = Object.freeze(fnative.family_sizes());
const IFNAMSIZ = structSizes['IFNAMSIZ'] ?? 16;

// ---- Python's PyArg_Parse formats ------------------------------------------

/** CPython's message for a non-integer where an integer format is parsed. */
function notInt(v: unknown): TypeError {
  return new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}

function bigOf(v: unknown): bigint {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw notInt(v);
    return BigInt(v);
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw notInt(v);
}

/** 'I'/'k'/'H'/'B': an integer wrapped to `bits` without an overflow check. */
function wrap(v: unknown, bits: number): number {
  return Number(BigInt.asUintN(bits, bigOf(v)));
}

/** 'i': a C int; beyond it, OverflowError (RangeError) with `message`. */
function cInt(v: unknown, message: string): number {
  const b = bigOf(v);
  if (b < -0x80000000n || b > 0x7fffffffn) throw new RangeError(message);
  return Number(b);
}

/** 's': a str without NUL, as UTF-8 bytes. */
function cString(v: unknown, wrongType: () => Error): Uint8Array {
  if (typeof v !== 'string') throw wrongType();
  if (v.includes('\0')) throw new RangeError('embedded null character');
  return Buffer.from(v, 'utf8');
}

/** 'O&' with PyUnicode_FSConverter: str (UTF-8) or bytes, without NUL. */
function fsName(v: unknown, what: string): Uint8Array {
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new RangeError('embedded null character');
    return Buffer.from(v, 'utf8');
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
    const b = toBytes('', v);
    if (b.includes(0)) throw new RangeError('embedded null byte');
    return b;
  }
  throw new TypeError(`${what}: expected str, bytes or os.PathLike object, not ${typeName(v)}`);
}

function tuple(caller: string, family: string, v: unknown, prefix = `${caller}(): `): unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`${prefix}${family} address must be tuple, not ${typeName(v)}`);
  return v;
}

/** The interface index of `name` (bytes) or the OSError CPython's ioctl raises. */
function ifindex(caller: string, name: Uint8Array, address: unknown): number {
  const r = fnative.family_ifindex(name);
  if (r < 0) throw errnoError(-r, caller, address);
  return r;
}

const present = (v: number | undefined): v is number => v !== undefined;

// ---- AF_NETLINK: [pid, groups] ----------------------------------------------

if (present(AF_NETLINK) && fnative.encode_netlink) {
  const enc = fnative.encode_netlink;
  registerFamily(AF_NETLINK, {
    encode(caller, address, out) {
      const a = tuple(caller, 'AF_NETLINK', address);
      if (a.length !== 2) throw new TypeError('AF_NETLINK address must be a pair (pid, groups)');
      return enc(out, wrap(a[0], 32), wrap(a[1], 32));
    },
    decode: (raw) => [raw[1], raw[2]],
  });
}

// ---- AF_PACKET: [ifname, proto, pkttype, hatype, addr] ----------------------

if (present(AF_PACKET) && fnative.encode_packet) {
  const enc = fnative.encode_packet;
  const shape = 'AF_PACKET address must be a tuple of two to five elements';
  registerFamily(AF_PACKET, {
    encode(caller, address, out) {
      const a = tuple(caller, 'AF_PACKET', address);
      if (a.length < 2 || a.length > 5) throw new TypeError(shape);
      const name = cString(a[0], () => new TypeError(shape));
      const range = `${caller}(): address argument out of range`;
      const proto = cInt(a[1], range);
      const pkttype = a.length > 2 ? cInt(a[2], range) : (PACKET_HOST ?? 0);
      const hatype = a.length > 3 ? cInt(a[3], range) : 0;
      const haddr = a.length > 4 ? toBytes(caller, a[4]) : null;
      // CPython's order: the interface first, then the address, then proto.
      const index = ifindex(caller, name, address);
      if (haddr !== null && haddr.byteLength > 8) throw new RangeError('Hardware address must be 8 bytes or less');
      if (proto < 0 || proto > 0xffff) throw new RangeError(`${caller}(): proto must be 0-65535.`);
      // The struct's fields are narrower than int: C assignment keeps the low bits.
      return enc(out, index, proto, pkttype & 0xff, hatype & 0xffff, haddr);
    },
    decode: (raw) => [raw[1], raw[2], raw[3], raw[4], raw[5]],
  });
}

// ---- AF_VSOCK: [cid, port]; AF_QIPCRTR: [node, port] ------------------------

function pairCodec(name: string, enc: (out: Uint8Array, a: number, b: number) => number) {
  return {
    encode(caller: string, address: unknown, out: Uint8Array): number {
      const a = tuple(caller, name, address, 'getsockaddrarg: ');
      if (a.length !== 2) {
        throw new TypeError(`getsockaddrarg() takes exactly 2 arguments (${a.length} given)`);
      }
      return enc(out, wrap(a[0], 32), wrap(a[1], 32));
    },
    decode: (raw: unknown[]): SockAddr => [raw[1], raw[2]],
  };
}

if (present(AF_VSOCK) && fnative.encode_vsock) registerFamily(AF_VSOCK, pairCodec('AF_VSOCK', fnative.encode_vsock));
if (present(AF_QIPCRTR) && fnative.encode_qipcrtr) {
  registerFamily(AF_QIPCRTR, pairCodec('AF_QIPCRTR', fnative.encode_qipcrtr));
}

// ---- AF_CAN: [ifname] (RAW, BCM), [ifname, rx, tx] (ISO-TP), [ifname, name, pgn, addr] (J1939)

/** The interface of a CAN address: '' is every interface (index 0). */
function canIfindex(caller: string, v: unknown, address: unknown): number {
  const name = fsName(v, 'AF_CAN address');
  if (name.byteLength === 0) return 0;
  if (name.byteLength >= IFNAMSIZ) throw new OSError('AF_CAN interface name too long');
  return ifindex(caller, name, address);
}

if (present(AF_CAN) && fnative.encode_can) {
  const enc = fnative.encode_can;
  registerFamily(AF_CAN, {
    encode(caller, address, out, _type, proto) {
      if (proto === CAN_RAW || (present(CAN_BCM) && proto === CAN_BCM)) {
        const a = tuple(caller, 'AF_CAN', address);
        if (a.length !== 1) throw new TypeError('AF_CAN address must be a tuple (interface, )');
        return enc(out, canIfindex(caller, a[0], address));
      }
      if (present(CAN_ISOTP) && proto === CAN_ISOTP && fnative.encode_can_isotp) {
        const a = tuple(caller, 'AF_CAN', address);
        if (a.length !== 3) throw new TypeError(`function takes exactly 3 arguments (${a.length} given)`);
        const rx = wrap(a[1], 32);
        const tx = wrap(a[2], 32);
        return fnative.encode_can_isotp(out, canIfindex(caller, a[0], address), rx, tx);
      }
      if (present(CAN_J1939) && proto === CAN_J1939 && fnative.encode_can_j1939) {
        const a = tuple(caller, 'AF_CAN', address);
        if (a.length !== 4) throw new TypeError(`function takes exactly 4 arguments (${a.length} given)`);
        const name = BigInt.asUintN(64, bigOf(a[1]));
        const pgn = wrap(a[2], 32);
        const addr = wrap(a[3], 8);
        return fnative.encode_can_j1939(out, canIfindex(caller, a[0], address), name, pgn, addr);
      }
      throw new OSError(`${caller}(): unsupported CAN protocol`);
    },
    decode(raw) {
      if (raw.length === 5) {
        // A J1939 NAME is 64 bits: a number while exact, a bigint beyond.
        const name = raw[2] as bigint;
        return [raw[1], name <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(name) : name, raw[3], raw[4]];
      }
      return raw.slice(1);
    },
  });
}

// ---- AF_ALG: [type, name, feat, mask] ---------------------------------------

if (present(AF_ALG) && fnative.encode_alg) {
  const enc = fnative.encode_alg;
  const shape = 'AF_ALG address must be a tuple (type, name[, feat[, mask]])';
  const typeRoom = structSizes['salg_type'] ?? 14;
  const nameRoom = structSizes['salg_name'] ?? 64;
  registerFamily(AF_ALG, {
    encode(caller, address, out) {
      const a = tuple(caller, 'AF_ALG', address);
      if (a.length < 2 || a.length > 4) throw new TypeError(shape);
      const type = cString(a[0], () => new TypeError(shape));
      const name = cString(a[1], () => new TypeError(shape));
      const feat = a.length > 2 ? wrap(a[2], 16) : 0;
      const mask = a.length > 3 ? wrap(a[3], 16) : 0;
      // Both are NUL-terminated in fixed arrays (bpo-35050: the NUL needs room).
      if (type.byteLength >= typeRoom) throw new RangeError('AF_ALG type too long.');
      if (name.byteLength >= nameRoom) throw new RangeError('AF_ALG name too long.');
      return enc(out, type, name, feat, mask);
    },
    decode: (raw) => [(raw[1] as Buffer).toString('utf8'), (raw[2] as Buffer).toString('utf8'), raw[3], raw[4]],
  });
}

// ---- AF_TIPC: [addr_type, v1, v2, v3, scope] --------------------------------

if (present(AF_TIPC) && fnative.encode_tipc) {
  const enc = fnative.encode_tipc;
  const shape = 'AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])';
  registerFamily(AF_TIPC, {
    encode(caller, address, out) {
      const a = tuple(caller, 'AF_TIPC', address);
      if (a.length < 4 || a.length > 5) throw new TypeError(shape);
      const [atype, v1, v2, v3] = [wrap(a[0], 32), wrap(a[1], 32), wrap(a[2], 32), wrap(a[3], 32)];
      const scope = a.length > 4 ? wrap(a[4], 32) : (TIPC_CLUSTER_SCOPE ?? 2);
      if (atype !== TIPC_ADDR_NAMESEQ && atype !== TIPC_ADDR_NAME && atype !== TIPC_ADDR_ID) {
        throw new TypeError('Invalid address type');
      }
      return enc(out, atype, v1, v2, v3, scope);
    },
    decode: (raw) => raw.slice(1),
  });
}

// ---- AF_RDS: [host, port], a sockaddr_in -----------------------------------

if (present(AF_RDS) && fnative.encode_rds) {
  const enc = fnative.encode_rds;
  registerFamily(AF_RDS, {
    encode(caller, address, out) {
      // CPython falls through to AF_INET: the same parsing, host lookup and messages.
      const n = encodeAddress(caller, AF_INET, address, out, 0, 0, syncLookup);
      const raw = native.decode_sockaddr(out, n);
      const host = (raw as unknown[])[1] as string;
      const port = (raw as unknown[])[2] as number;
      const packed = native.inet_pton(AF_INET, host) as Buffer;
      return enc(out, packed, port);
    },
    decode: (raw) => [raw[1], raw[2]],
  });
}

// ---- AF_BLUETOOTH (only where <bluetooth/*.h> were found at build time) ------

/** 'XX:XX:XX:XX:XX:XX' to the kernel's byte order (least significant first). */
function bdaddr(v: unknown): Uint8Array {
  const s = typeof v === 'string' ? v
    : ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1') : null;
  const m = s === null ? null : /^([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2})$/.exec(s);
  if (m === null) throw new OSError('bad bluetooth address');
  return Uint8Array.from(m.slice(1).reverse(), (x) => parseInt(x, 16));
}

function bdaddrText(b: Buffer): string {
  return Array.from(b).reverse().map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

if (present(AF_BLUETOOTH) && fnative.encode_bt_l2cap && fnative.encode_bt_rfcomm && fnative.encode_bt_hci &&
    fnative.encode_bt_sco) {
  const n = fnative;
  registerFamily(AF_BLUETOOTH, {
    encode(caller, address, out, _type, proto) {
      const wrong = (): OSError => new OSError(`${caller}(): wrong format`);
      const pair = (): unknown[] => {
        if (!Array.isArray(address) || address.length !== 2 || typeof address[0] !== 'string') throw wrong();
        return address;
      };
      const int = (v: unknown): number => {
        try { return cInt(v, `${caller}(): wrong format`); } catch { throw wrong(); }
      };
      if (proto === BTPROTO_L2CAP) {
        const a = pair();
        return n.encode_bt_l2cap!(out, bdaddr(a[0]), int(a[1]) & 0xffff);
      }
      if (proto === BTPROTO_RFCOMM) {
        const a = pair();
        return n.encode_bt_rfcomm!(out, bdaddr(a[0]), int(a[1]) & 0xff);
      }
      if (proto === BTPROTO_HCI) {
        if (!Array.isArray(address) || address.length !== 1) throw wrong();
        return n.encode_bt_hci!(out, int(address[0]) & 0xffff);
      }
      if (proto === BTPROTO_SCO) {
        if (!ArrayBuffer.isView(address)) throw wrong();
        return n.encode_bt_sco!(out, bdaddr(address));
      }
      throw new OSError(`${caller}(): unknown Bluetooth protocol`);
    },
    decode(raw) {
      const kind = raw[1] as string;
      if (kind === 'l2cap' || kind === 'rfcomm') return [bdaddrText(raw[2] as Buffer), raw[3]];
      if (kind === 'sco') return bdaddrText(raw[2] as Buffer);
      return [raw[2]];
    },
  });
}

// ---- test and tool hooks -------------------------------------------------------

/**
 * Encodes `address` as a socket of (family, type, proto) would for bind(2),
 * without a socket: the sockaddr bytes. Internal: tests of families this
 * kernel refuses use it to check the encoding and Python's validation.
 * @internal
 * @throws {TypeError}/{RangeError}/{OSError} as bind() would for a bad address
 */
export function encodeSockaddr(family: number, address: unknown, type = 0, proto = 0): Buffer {
  const out = newSockaddrBuffer();
  const n = encodeAddress('bind', family, address, out, type, proto, syncLookup);
  return Buffer.from(out.subarray(0, n));
}

/**
 * Decodes sockaddr bytes into the public address form (getsockname's).
 * @internal
 */
export function decodeSockaddr(bytes: Uint8Array): SockAddr {
  const buf = newSockaddrBuffer();
  buf.set(bytes.subarray(0, buf.length));
  const raw: RawAddress = native.decode_sockaddr(buf, Math.min(bytes.byteLength, buf.length));
  return decodeRaw(raw);
}

/** The index of an interface name, or the OSError (ENODEV) of an unknown one. @internal */
export function interfaceIndex(name: string): number {
  return ifindex('if_nametoindex', Buffer.from(name, 'utf8'), name);
}

/** The name of an interface index, or null when there is none. @internal */
export function interfaceName(index: number): string | null {
  const r = fnative.family_ifname(index);
  return typeof r === 'string' ? r : null;
}
