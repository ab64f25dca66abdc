/**
 * SocketCAN frame helpers (linux/can.h, linux/can/bcm.h): classic and FD
 * frames, and the BCM message header, laid out with the sizes and offsets
 * of the installed headers (native `family_sizes`), in host byte order as
 * the kernel reads them.
 */
import { Buffer } from 'node:buffer';
import { structSizes } from './families.js';
import { toBytes, toInt } from './validate.js';
import { HOST_LE } from './internal.js';

const LE = HOST_LE;
const CAN_FRAME = structSizes['can_frame'] ?? 16;
const CANFD_FRAME = structSizes['canfd_frame'] ?? 72;
/** Offset of `data` in can_frame/canfd_frame (after can_id, len, and three flag/pad bytes). */
const DATA_OFF = 8;
const CAN_MAX_DLEN = CAN_FRAME - DATA_OFF;
const CANFD_MAX_DLEN = CANFD_FRAME - DATA_OFF;

function u32(caller: string, what: string, v: unknown): number {
  const n = toInt(caller, what, v);
  if (n < 0 || n > 0xffffffff) throw new RangeError(`${caller}(): ${what} must be 0-4294967295`);
  return n;
}

/**
 * A classic CAN frame (struct can_frame): can_id (with CAN_EFF_FLAG etc.),
 * up to 8 data bytes, zero-padded; `can_dlc` is the data length.
 * @syscall none
 * @throws {RangeError} more than 8 data bytes or can_id beyond 32 bits
 */
export function build_can_frame(can_id: number, data: ArrayBufferView | ArrayBuffer = new Uint8Array(0)): Buffer {
  const d = toBytes('build_can_frame', data);
  if (d.byteLength > CAN_MAX_DLEN) throw new RangeError(`build_can_frame(): data must be at most ${CAN_MAX_DLEN} bytes`);
  const out = Buffer.alloc(CAN_FRAME);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(0, u32('build_can_frame', 'can_id', can_id), LE);
  dv.setUint8(4, d.byteLength);
  out.set(d, DATA_OFF);
  return out;
}

/**
 * Splits a classic or FD frame: `[can_id, length, data]` (data trimmed to length).
 * @syscall none
 * @throws {RangeError} shorter than a frame header
 */
export function dissect_can_frame(frame: ArrayBufferView | ArrayBuffer): [number, number, Buffer] {
  const f = toBytes('dissect_can_frame', frame);
  if (f.byteLength < DATA_OFF) throw new RangeError('dissect_can_frame(): frame too short');
  const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
  const len = Math.min(dv.getUint8(4), f.byteLength - DATA_OFF);
  return [dv.getUint32(0, LE), dv.getUint8(4), Buffer.from(f.subarray(DATA_OFF, DATA_OFF + len))];
}

/**
 * A CAN FD frame (struct canfd_frame): up to 64 data bytes, `flags`
 * (CANFD_BRS, CANFD_ESI) in the fifth byte.
 * @syscall none
 * @throws {RangeError} more than 64 data bytes
 */
export function build_canfd_frame(can_id: number, data: ArrayBufferView | ArrayBuffer, flags = 0): Buffer {
  const d = toBytes('build_canfd_frame', data);
  if (d.byteLength > CANFD_MAX_DLEN) throw new RangeError(`build_canfd_frame(): data must be at most ${CANFD_MAX_DLEN} bytes`);
  const out = Buffer.alloc(CANFD_FRAME);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(0, u32('build_canfd_frame', 'can_id', can_id), LE);
  dv.setUint8(4, d.byteLength);
  dv.setUint8(5, toInt('build_canfd_frame', 'flags', flags) & 0xff);
  out.set(d, DATA_OFF);
  return out;
}

/** The fields of struct bcm_msg_head; intervals as [seconds, microseconds]. */
export interface BcmHead {
  opcode: number;
  flags?: number;
  count?: number;
  ival1?: [number, number];
  ival2?: [number, number];
  can_id: number;
  nframes?: number;
}

/**
 * A BCM message: struct bcm_msg_head followed by `frames` (each a
 * can_frame or canfd_frame). `nframes` defaults to the number of frames.
 * @syscall none
 * @throws {RangeError} when this platform's headers have no BCM
 */
export function build_bcm_msg(head: BcmHead, frames: Array<ArrayBufferView | ArrayBuffer> = []): Buffer {
  const size = structSizes['bcm_msg_head'];
  const longSize = structSizes['long'] ?? 8;
  const off = (f: string): number => {
    const v = structSizes[`bcm_msg_head.${f}`];
    if (v === undefined) throw new RangeError('build_bcm_msg(): no linux/can/bcm.h on this platform');
    return v;
  };
  if (size === undefined) throw new RangeError('build_bcm_msg(): no linux/can/bcm.h on this platform');
  const out = Buffer.alloc(size);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(0, u32('build_bcm_msg', 'opcode', head.opcode), LE);
  dv.setUint32(4, u32('build_bcm_msg', 'flags', head.flags ?? 0), LE);
  dv.setUint32(8, u32('build_bcm_msg', 'count', head.count ?? 0), LE);
  const setLong = (at: number, v: number): void => {
    if (longSize === 8) dv.setBigInt64(at, BigInt(toInt('build_bcm_msg', 'interval', v)), LE);
    else dv.setInt32(at, toInt('build_bcm_msg', 'interval', v), LE);
  };
  const i1 = head.ival1 ?? [0, 0];
  const i2 = head.ival2 ?? [0, 0];
  setLong(off('ival1'), i1[0]);
  setLong(off('ival1') + longSize, i1[1]);
  setLong(off('ival2'), i2[0]);
  setLong(off('ival2') + longSize, i2[1]);
  dv.setUint32(off('can_id'), u32('build_bcm_msg', 'can_id', head.can_id), LE);
  dv.setUint32(off('nframes'), u32('build_bcm_msg', 'nframes', head.nframes ?? frames.length), LE);
  return Buffer.concat([out.subarray(0, off('frames')), ...frames.map((f) => Buffer.from(toBytes('build_bcm_msg', f)))]);
}
