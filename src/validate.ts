/**
 * Argument checks shared by every public function. Messages name the caller
 * the way CPython does (`bind(): port must be 0-65535.`). Python's TypeError
 * stays TypeError; ValueError and OverflowError become RangeError (right type,
 * wrong value): see docs/python-mapping.md.
 */

/** Python-flavoured type name of a JS value, for messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

const prefix = (caller: string): string => (caller ? `${caller}(): ` : '');

/**
 * An integer argument. Accepts integral numbers, booleans (as Python's bool is
 * an int) and bigints; anything else is a TypeError.
 */
export function toInt(caller: string, what: string, v: unknown): number {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
    throw new TypeError(`${prefix(caller)}${what} must be an integer, not ${Number.isNaN(v) ? 'NaN' : 'float'}`);
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError(`${prefix(caller)}${what} is too large`);
    }
    return Number(v);
  }
  throw new TypeError(`${prefix(caller)}${what} must be an integer, not ${typeName(v)}`);
}

/** An integer within [min, max]; outside it a RangeError with `message`. */
export function toIntIn(caller: string, what: string, v: unknown, min: number, max: number, message?: string): number {
  const n = toInt(caller, what, v);
  if (n < min || n > max) throw new RangeError(message ?? `${prefix(caller)}${what} must be ${min}-${max}.`);
  return n;
}

/** A C `int` (flags, levels, option names, backlog). */
export function toCInt(caller: string, what: string, v: unknown): number {
  return toIntIn(caller, what, v, -0x80000000, 0x7fffffff,
    `${prefix(caller)}${what} is out of range for a C int`);
}

/** Optional flags argument: undefined means 0. */
export function toFlags(caller: string, v: unknown): number {
  return v === undefined ? 0 : toCInt(caller, 'flags', v);
}

// The two byte-view checks below are on every send and receive. Their common
// case (already a Uint8Array, Buffers included) is a tiny function that V8
// inlines into the caller's loop; the rest is a separate function. Callers
// read the view's size as `.length`: equal to byteLength for a Uint8Array,
// and Node 20's optimizing compiler turns `.byteLength` into a generic
// property-load call but `.length` into a field load.

/** A bytes-like object viewed as Uint8Array without copying; a string is a TypeError. */
export function toBytes(caller: string, v: unknown, what?: string): Uint8Array {
  return v instanceof Uint8Array ? v : otherBytes(caller, v, what ?? 'a bytes-like object');
}

function otherBytes(caller: string, v: unknown, what: string): Uint8Array {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`${prefix(caller)}${what} is required, not '${typeName(v)}'`);
}

/** A writable bytes-like object (any view or ArrayBuffer; Buffers are writable). */
export function toWritableBytes(caller: string, v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : otherWritableBytes(caller, v);
}

function otherWritableBytes(caller: string, v: unknown): Uint8Array {
  if (typeof v === 'string' || v === null || v === undefined || typeof v !== 'object') {
    throw new TypeError(`${prefix(caller)}argument must be a writable bytes-like object, not ${typeName(v)}`);
  }
  return otherBytes(caller, v, 'a writable bytes-like object');
}

/** A buffer size: non-negative integer (negative is Python's ValueError). */
export function toSize(caller: string, what: string, v: unknown, negativeMessage: string): number {
  const n = toInt(caller, what, v);
  if (n < 0) throw new RangeError(negativeMessage);
  if (n > 0x7fffffff) throw new RangeError(`${prefix(caller)}${what} is too large`);
  return n;
}

// Python refuses timeouts whose microseconds overflow a C time value.
const MAX_TIMEOUT_SECONDS = 9223372036.854775;

/** A timeout in seconds: null for none, a finite non-negative number of whole nanoseconds otherwise. */
export function toTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  let t: number;
  if (typeof v === 'number') t = v;
  else if (typeof v === 'boolean') t = v ? 1 : 0;
  else if (typeof v === 'bigint') t = Number(v);
  else throw new TypeError(`Timeout value must be a number or null, not ${typeName(v)}`);
  if (Number.isNaN(t)) throw new RangeError('Invalid value NaN (not a number)');
  if (t < 0) throw new RangeError('Timeout value out of range');
  if (t > MAX_TIMEOUT_SECONDS) throw new RangeError('timeout doesn\'t fit into C timeval');
  // CPython keeps a timeout as whole nanoseconds, rounded up (_PyTime_ROUND_TIMEOUT),
  // and reads it back as ns / 1e9: settimeout(1e-10) gives 1e-9, 0.1 + 0.2 gives 0.300000001.
  return t === 0 ? 0 : Math.ceil(t * 1e9) / 1e9;
}
