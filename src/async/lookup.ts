/**
 * Host look-ups for the twins, off the thread (libuv's thread pool, through
 * node:dns's getaddrinfo-based `lookup`), with failures as gaierror the way
 * the sync path raises them.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { native } from '../native.js';
import { AF_INET, AF_INET6, AF_UNSPEC } from '../constants.js';
import * as constants from '../constants.js';
import { OSError, gaierror } from '../errors.js';
import { abortError } from './options.js';

const eai = constants as unknown as Record<string, number | undefined>;

/** node:dns error codes -> EAI_* values (ENOTFOUND stands for EAI_NONAME and EAI_NODATA). */
function gaiCode(code: unknown): number {
  if (code === 'ENOTFOUND') return eai['EAI_NONAME'] ?? -2;
  if (typeof code === 'string' && code.startsWith('EAI_') && eai[code] !== undefined) return eai[code]!;
  if (code === 'ENODATA') return eai['EAI_NODATA'] ?? eai['EAI_NONAME'] ?? -2;
  return eai['EAI_FAIL'] ?? -4;
}

function toGaierror(e: unknown, syscall: string): Error {
  if (e instanceof Error && 'code' in e) {
    const code = gaiCode((e as { code: unknown }).code);
    return new gaierror(code, native.gai_strerror(code), { syscall, cause: e });
  }
  return e instanceof Error ? e : new OSError(String(e));
}

function raced<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  // getaddrinfo cannot be cancelled; the twin stops waiting for it.
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    }, (e: unknown) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

/** The packed address bytes of `host` for `family` (AF_INET or AF_INET6), resolved off the thread. */
export function lookupHost(caller: string, host: string, family: number, signal?: AbortSignal): Promise<Uint8Array> {
  const p = dns.lookup(host, { family: family === AF_INET6 ? 6 : 4 }).then((r: LookupAddress) => {
    const packed = native.inet_pton(family, r.address);
    if (!(packed instanceof Buffer)) throw new OSError(`${caller}(): unexpected address from the resolver`);
    return packed as Uint8Array;
  }, (e: unknown) => {
    throw toGaierror(e, 'getaddrinfo');
  });
  return raced(p, signal);
}

/** Every address of `host` as `[family, host-text]`, in the resolver's order, off the thread. */
export function lookupAll(host: string, family: number, signal?: AbortSignal): Promise<Array<[number, string]>> {
  const fam = family === AF_INET ? 4 : family === AF_INET6 ? 6 : family === AF_UNSPEC ? 0 : 0;
  const p = dns.lookup(host, { all: true, family: fam, verbatim: true }).then(
    (all: LookupAddress[]) => all.map((a): [number, string] => [a.family === 6 ? AF_INET6 : AF_INET, a.address]),
    (e: unknown) => {
      throw toGaierror(e, 'getaddrinfo');
    });
  return raced(p, signal);
}
