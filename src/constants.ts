/**
 * Every constant of the platform (generated from the C headers by
 * scripts/gen-constants.py), Python's enum groupings of them, and the
 * symbolic-name lookups used by inspect and error messages.
 */
export * from './constants.gen.js';
import { constantNames } from './constants.gen.js';
import { registerGaiNames } from './errors.js';
import { native } from './native.js';

/** [name, value] of every constant present on this platform, sorted the way
 * Python's `IntEnum._convert_` sorts members: by value, then by name. The
 * first name of a value is therefore the canonical one (AF_NETLINK, not its
 * alias AF_ROUTE). */
const present: ReadonlyArray<readonly [string, number]> = (() => {
  const out: Array<readonly [string, number]> = [];
  for (const name of constantNames) {
    const value = native.constants[name];
    if (value !== undefined) out.push([name, value]);
  }
  return out.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
})();

/** A frozen name -> value record of the present constants starting with
 * `prefix`, in Python's member order (aliases included, as in `__members__`). */
function group(prefix: string): Readonly<Record<string, number>> {
  const record: Record<string, number> = {};
  for (const [name, value] of present) if (name.startsWith(prefix)) record[name] = value;
  return Object.freeze(record);
}

/** value -> canonical name within a group. */
function canonical(record: Readonly<Record<string, number>>): Map<number, string> {
  const m = new Map<number, string>();
  for (const [name, value] of Object.entries(record)) if (!m.has(value)) m.set(value, name);
  return m;
}

/** Python's `socket.AddressFamily`: the AF_* constants. */
export const AddressFamily: Readonly<Record<string, number>> = group('AF_');
/** Python's `socket.SocketKind`: the SOCK_* constants (SOCK_NONBLOCK and
 * SOCK_CLOEXEC included, as in Python). */
export const SocketKind: Readonly<Record<string, number>> = group('SOCK_');
/** Python's `socket.MsgFlag`: the MSG_* constants. */
export const MsgFlag: Readonly<Record<string, number>> = group('MSG_');
/** Python's `socket.AddressInfo`: the AI_* constants. */
export const AddressInfo: Readonly<Record<string, number>> = group('AI_');

const familyNames = canonical(AddressFamily);
const typeNames = canonical(SocketKind);
const msgFlagsByValue = canonical(MsgFlag);

registerGaiNames(canonical(group('EAI_')).entries());

/** 'AF_INET' for 2 ('AF_NETLINK' for 16, never its alias AF_ROUTE); the
 * number itself for an unknown family. */
export function familyName(family: number): string {
  return familyNames.get(family) ?? String(family);
}

/** 'SOCK_STREAM' for 1; the number itself for an unknown type. */
export function typeName(type: number): string {
  return typeNames.get(type) ?? String(type);
}

/**
 * The flags as Python's `MsgFlag(flags).name` spells them:
 * 'MSG_PEEK|MSG_WAITALL' for MSG_PEEK | MSG_WAITALL, lowest bit first, bits
 * no constant names appended as one decimal number ('MSG_PEEK|134217728').
 * '0' for 0, and the number itself for a value that is not a non-negative
 * integer.
 */
export function msgFlagNames(flags: number): string {
  const exact = msgFlagsByValue.get(flags);
  if (exact !== undefined) return exact;
  if (!Number.isSafeInteger(flags) || flags <= 0) return String(flags);
  // BigInt: flags may use bit 31 and beyond, where JS bitwise operators wrap.
  let rest = BigInt(flags);
  const parts: string[] = [];
  for (let bit = 1n; bit <= rest; bit <<= 1n) {
    if ((rest & bit) === 0n) continue;
    const name = msgFlagsByValue.get(Number(bit));
    if (name !== undefined) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0n) parts.push(rest.toString());
  return parts.join('|');
}
