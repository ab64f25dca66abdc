/**
 * The only importer of the compiled addon. `NativeBinding` is the typed face
 * of native/README.md's contract: results are numbers (`>= 0` or `-errno`).
 */
import { loadAddon } from './addon-loader.js';

/** `[family, ...fields]` as decoded by the addon, or null for no address. */
export type RawAddress = [number, ...unknown[]] | null;

export interface NativeBinding {
  socket(family: number, type: number, proto: number): number;
  socketpair(family: number, type: number, proto: number, out: Int32Array): number;
  close(fd: number): number;
  dup(fd: number): number;
  bind(fd: number, sa: Uint8Array, salen: number): number;
  connect(fd: number, sa: Uint8Array, salen: number): number;
  listen(fd: number, backlog: number): number;
  accept(fd: number, scratch: Uint8Array): number;
  getsockname(fd: number, scratch: Uint8Array): number;
  getpeername(fd: number, scratch: Uint8Array): number;
  recv(fd: number, buf: Uint8Array, offset: number, nbytes: number, flags: number): number;
  recvfrom(fd: number, buf: ArrayBufferView, offset: number, nbytes: number, flags: number, scratch: Uint8Array): number;
  send(fd: number, buf: Uint8Array, offset: number, length: number, flags: number): number;
  sendto(fd: number, buf: ArrayBufferView, offset: number, length: number, flags: number, sa: Uint8Array, salen: number): number;
  shutdown(fd: number, how: number): number;
  /** The written length (never past buf); `reported[0]` gets the kernel's own, which may be larger. */
  getsockopt(fd: number, level: number, name: number, buf: Uint8Array, reported?: Uint32Array): number;
  setsockopt(fd: number, level: number, name: number, buf: Uint8Array | null, optlen: number): number;
  get_nonblocking(fd: number): number;
  set_nonblocking(fd: number, on: boolean): number;
  get_inheritable(fd: number): number;
  set_inheritable(fd: number, on: boolean): number;
  strerror(errno: number): string;
  /** Every errno name of the C headers -> value; Python's preferred name first among equal values. */
  errno_codes: Record<string, number>;

  poll(fd: number, events: number, timeoutMs: number): number;
  pollEvents: { POLLIN: number; POLLOUT: number; POLLERR: number; POLLHUP: number; POLLNVAL: number };

  encode_inet(out: Uint8Array, packed: Uint8Array, port: number): number;
  encode_inet6(out: Uint8Array, packed: Uint8Array, port: number, flowinfo: number, scopeId: number): number;
  encode_unix(out: Uint8Array, path: Uint8Array): number;
  encode_raw(out: Uint8Array, family: number, data: Uint8Array): number;
  decode_scratch(scratch: Uint8Array): RawAddress;
  decode_sockaddr(buf: Uint8Array, len: number): RawAddress;
  inet_pton(family: number, text: string): Buffer | null | number;
  inet_ntop(family: number, packed: Uint8Array): string | number;
  SUN_PATH_SIZE: number;

  getaddrinfo(host: string | null, service: string | null, family: number, type: number, proto: number, flags: number):
    Array<[number, number, number, string, Buffer]> | { gai: number; errno: number };
  gai_strerror(code: number): string;

  constants: Record<string, number>;
}

/** Functions that other concern files add to the addon (messages, families,
 * reactor, resolver); each module narrows this with its own interface. */
export type NativeExtension = Record<string, unknown>;

function load(): NativeBinding {
  // BSD_SOCKET_NATIVE, a source build, then the shipped prebuild (addon-loader.ts).
  return loadAddon().binding as NativeBinding;
}

/** The addon's framed calls (native/README.md, "The call frame"): numbers
 * travel in `call_frame`, only buffers as arguments. */
interface FramedCalls {
  call_frame: ArrayBuffer;
  recv(buf: ArrayBufferView): void;
  recvfrom(buf: ArrayBufferView, scratch: Uint8Array): void;
  send(buf: ArrayBufferView): void;
  sendto(buf: ArrayBufferView, sa: Uint8Array): void;
  /** recv/send of at most the frame's data bytes, through those bytes. */
  recv_small(): void;
  send_small(): void;
}

// A copy with fast properties: the addon's exports object is in dictionary
// mode (V8 turns it so while Node-API adds ~90 properties to it), and a load
// from a dictionary is a generic IC call on every native call. The spread
// copy has a map of its own, so `framed.recv` compiles to a constant load.
const addon = load() as unknown as NativeBinding & FramedCalls;
const framed: FramedCalls = {
  call_frame: addon.call_frame, recv: addon.recv, recvfrom: addon.recvfrom, send: addon.send, sendto: addon.sendto,
  recv_small: addon.recv_small, send_small: addon.send_small,
};

// The frame's slots, as native/bs.h numbers them, then its data bytes.
const FRAME_SLOTS = 8;
const frame = new Float64Array(framed.call_frame, 0, FRAME_SLOTS);
const frameBytes = new Uint8Array(framed.call_frame, FRAME_SLOTS * 8);
const FD = 0, OFFSET = 1, LENGTH = 2, FLAGS = 3, SALEN = 4, RESULT = 7;
// Payloads up to this size go through frameBytes (native/bs.h, BS_FRAME_BYTES):
// a byte-by-byte copy in JS is cheaper than Node-API looking up a buffer.
const SMALL = frameBytes.length;

// Each wrapper fills the frame and makes the call; no JS runs between the
// writes and the call, so one frame per environment serves every socket.
// They are small enough for V8 to inline into the callers' loops.
function recv(fd: number, buf: Uint8Array, offset: number, nbytes: number, flags: number): number {
  frame[FD] = fd; frame[LENGTH] = nbytes; frame[FLAGS] = flags;
  if (nbytes <= SMALL) {
    framed.recv_small();
    const r = frame[RESULT]!;
    // With MSG_TRUNC a datagram's full length can exceed nbytes: copy only what came.
    const got = r < nbytes ? r : nbytes;
    for (let i = 0; i < got; i++) buf[offset + i] = frameBytes[i]!;
    return r;
  }
  frame[OFFSET] = offset;
  framed.recv(buf);
  return frame[RESULT]!;
}

function recvfrom(fd: number, buf: ArrayBufferView, offset: number, nbytes: number, flags: number,
  scratch: Uint8Array): number {
  frame[FD] = fd; frame[OFFSET] = offset; frame[LENGTH] = nbytes; frame[FLAGS] = flags;
  framed.recvfrom(buf, scratch);
  return frame[RESULT]!;
}

function send(fd: number, buf: Uint8Array, offset: number, length: number, flags: number): number {
  frame[FD] = fd; frame[LENGTH] = length; frame[FLAGS] = flags;
  if (length <= SMALL) {
    for (let i = 0; i < length; i++) frameBytes[i] = buf[offset + i]!;
    framed.send_small();
  } else {
    frame[OFFSET] = offset;
    framed.send(buf);
  }
  return frame[RESULT]!;
}

function sendto(fd: number, buf: ArrayBufferView, offset: number, length: number, flags: number,
  sa: Uint8Array, salen: number): number {
  frame[FD] = fd; frame[OFFSET] = offset; frame[LENGTH] = length; frame[FLAGS] = flags;
  frame[SALEN] = salen;
  framed.sendto(buf, sa);
  return frame[RESULT]!;
}

export const native: NativeBinding = { ...addon, recv, recvfrom, send, sendto };
