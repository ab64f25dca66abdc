/**
 * The host's name and its network interfaces: gethostname, sethostname,
 * if_nameindex, if_nametoindex, if_indextoname. Names cross the boundary as
 * bytes and are decoded as Python decodes file-system names (UTF-8 with
 * surrogateescape), so any name round-trips.
 */
import { Buffer } from 'node:buffer';
import { native } from './native.js';
import { OSError, errnoError } from './errors.js';
import { decodePath, encodePath } from './address.js';
import { toInt, typeName } from './validate.js';

interface NetinfoNative {
  gethostname(): Buffer | number;
  sethostname(name: Uint8Array): number;
  if_nameindex(): Array<[number, Buffer]> | number;
  if_nametoindex(name: Uint8Array): number;
  if_indextoname(index: number): Buffer | number;
}

const nn = native as unknown as NetinfoNative;

/** A file-system-encoded name (Python's PyUnicode_FSConverter): str or bytes, no NUL. */
function fsName(caller: string, v: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof v === 'string') bytes = encodePath(v);
  else if (v instanceof Uint8Array) bytes = v;
  else if (ArrayBuffer.isView(v)) bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  else throw new TypeError(`${caller}(): expected str, bytes or os.PathLike object, not ${typeName(v)}`);
  if (bytes.includes(0)) throw new RangeError('embedded null byte');
  return bytes;
}

/**
 * The host name of this machine.
 * @syscall gethostname(2)
 * @throws {OSError} errno of gethostname
 * @example gethostname() // 'vm'
 */
export function gethostname(): string {
  const r = nn.gethostname();
  if (typeof r === 'number') throw errnoError(-r, 'gethostname');
  return decodePath(r);
}

/**
 * Sets the host name (needs CAP_SYS_ADMIN in the UTS namespace). A string is
 * encoded like a file name; bytes are used as they are.
 * @syscall sethostname(2)
 * @throws {PermissionError} EPERM · {OSError} EINVAL (longer than 64 bytes) ·
 *   {TypeError} not a string or bytes · {RangeError} a string with a NUL
 * @example sethostname('build-box') // in a private UTS namespace
 */
export function sethostname(name: string | ArrayBufferView): void {
  let bytes: Uint8Array;
  if (typeof name === 'string') {
    bytes = fsName('sethostname', name);
  } else if (ArrayBuffer.isView(name)) {
    // Python's "S" format: bytes go through untouched, NULs included.
    bytes = new Uint8Array(name.buffer, name.byteOffset, name.byteLength);
  } else {
    throw new TypeError(`sethostname(): expected str, bytes or os.PathLike object, not ${typeName(name)}`);
  }
  const r = nn.sethostname(bytes);
  if (r < 0) throw errnoError(-r, 'sethostname');
}

/**
 * Every network interface as `[index, name]`.
 * @syscall if_nameindex(3)
 * @throws {OSError} errno of if_nameindex
 * @example if_nameindex() // [[1, 'lo'], [2, 'eth0']]
 */
export function if_nameindex(): Array<[number, string]> {
  const r = nn.if_nameindex();
  if (typeof r === 'number') throw errnoError(-r, 'if_nameindex');
  return r.map(([i, name]): [number, string] => [i, decodePath(name)]);
}

/**
 * The index of the interface called `ifname`.
 * @syscall if_nametoindex(3)
 * @throws {OSError} 'no interface with this name' · {TypeError} not a string or bytes ·
 *   {RangeError} a NUL in the name
 * @example if_nametoindex('lo') // 1
 */
export function if_nametoindex(ifname: string | ArrayBufferView): number {
  const idx = nn.if_nametoindex(fsName('if_nametoindex', ifname));
  if (idx === 0) throw new OSError('no interface with this name', undefined, { syscall: 'if_nametoindex' });
  return idx;
}

/**
 * The name of the interface with index `ifindex`.
 * @syscall if_indextoname(3)
 * @throws {OSError} ENXIO (no such interface) · {TypeError} not an integer ·
 *   {RangeError} negative or beyond 2**32-1 (CPython 3.13's OverflowError)
 * @example if_indextoname(1) // 'lo'
 */
export function if_indextoname(ifindex: number): string {
  const n = toInt('if_indextoname', 'index', ifindex);
  if (n < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (n > 0xffffffff) throw new RangeError('index is too large');
  const r = nn.if_indextoname(n);
  if (typeof r === 'number') throw errnoError(-r, 'if_indextoname');
  return decodePath(r);
}
