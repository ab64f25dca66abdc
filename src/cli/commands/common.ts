/**
 * What every subcommand shares: a small argument parser, the usage error,
 * and lookups that use the library's exported function when it exists (the
 * resolver and async twins are built alongside) and the addon otherwise.
 */
import * as socket from '../../index.js';
import { native } from '../../native.js';

/** A command-line mistake: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

/** Parsed arguments: flags (with or without a value) and positionals. */
export interface Args {
  flags: Map<string, string | true>;
  positional: string[];
}

/**
 * Parses `argv` against the flags that take a value (`valued`) and those that
 * do not (`bare`); anything else starting with '-' is a UsageError.
 */
export function parseArgs(argv: string[], valued: string[], bare: string[]): Args {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-' && (!/^-\d/.test(a) || valued.includes(a) || bare.includes(a))) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (valued.includes(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`option ${name} needs a value`);
        flags.set(name, v);
      } else if (bare.includes(name) && inline === undefined) {
        flags.set(name, true);
      } else {
        throw new UsageError(`unknown option ${name}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { flags, positional };
}

/** A numeric flag within [min, max], or `dflt` when absent. */
export function numberFlag(args: Args, name: string, dflt: number, min: number, max: number): number {
  const v = args.flags.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${name} must be a number from ${min} to ${max}`);
  }
  return n;
}

/** A port argument 0-65535. */
export function portArg(v: string | undefined, what = 'PORT'): number {
  if (v === undefined) throw new UsageError(`missing ${what}`);
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`${what} must be 0-65535, not '${v}'`);
  return n;
}

/** One row of getaddrinfo: [family, type, proto, canonname, sockaddr]. */
export type AddrInfo = [number, number, number, string, unknown];

type GetAddrInfo = (host: string | null, port: string | number | null, family?: number, type?: number,
  proto?: number, flags?: number) => AddrInfo[];

/**
 * getaddrinfo(3): the library's `socket.getaddrinfo` when exported,
 * otherwise the addon's, with the addresses decoded to the public form.
 * @throws {gaierror} the name does not resolve
 */
export function getaddrinfo(host: string | null, port: string | number | null, family = 0, type = 0,
  proto = 0, flags = 0): AddrInfo[] {
  const exported = (socket as unknown as Record<string, unknown>)['getaddrinfo'];
  if (typeof exported === 'function') {
    return (exported as GetAddrInfo)(host, port, family, type, proto, flags);
  }
  const res = native.getaddrinfo(host, port === null ? null : String(port), family, type, proto, flags);
  if (!Array.isArray(res)) {
    const msg = native.gai_strerror(res.gai);
    throw new socket.gaierror(res.gai, msg, { syscall: 'getaddrinfo' });
  }
  return res.map(([f, t, p, canon, sa]) => {
    const raw = native.decode_sockaddr(sa, sa.length);
    const addr = raw === null ? null : raw[0] === socket.AF_INET ? [raw[1], raw[2]]
      : raw[0] === socket.AF_INET6 ? [raw[1], raw[2], raw[3], raw[4]] : raw.slice(1);
    return [f, t, p, canon, addr];
  });
}

/** The symbolic name of a constant value within a prefix ('SOCK_STREAM'), or the number. */
export function constName(prefix: string, value: number, prefer: string[] = []): string {
  for (const p of prefer) if ((socket as unknown as Record<string, unknown>)[p] === value) return p;
  for (const [k, v] of Object.entries(socket)) {
    if (k.startsWith(prefix) && v === value) return k;
  }
  return String(value);
}

/** Writes to stdout synchronously (a tool's output must not be lost on exit). */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Sleeps the thread (sync tools between sends). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Lets pending signal handlers and I/O callbacks run between blocking steps. */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
