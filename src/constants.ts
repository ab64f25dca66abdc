/**
 * Every constant of the platform (generated from the C headers) plus the
 * symbolic-name lookups used by inspect and error messages.
 */
export * from './constants.gen.js';
import * as K from './constants.gen.js';

const byValue = (prefix: string): Map<number, string> => {
  const m = new Map<number, string>();
  for (const [name, value] of Object.entries(K)) {
    if (name.startsWith(prefix) && typeof value === 'number' && !m.has(value)) m.set(value, name);
  }
  return m;
};

const familyNames = byValue('AF_');
const typeNames = byValue('SOCK_');

/** 'AF_INET' for 2; the number itself for an unknown family. */
export function familyName(family: number): string {
  return familyNames.get(family) ?? String(family);
}

/** 'SOCK_STREAM' for 1; the number itself for an unknown type. */
export function typeName(type: number): string {
  return typeNames.get(type) ?? String(type);
}
