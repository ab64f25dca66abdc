/**
 * Module-level Promise twins that are not name services: create_connection.
 */
import { Socket } from '../socket.js';
import { OSError } from '../errors.js';
import { toTimeout, typeName } from '../validate.js';
import type { AddrInfo } from '../resolver.js';
import { lookupStream } from './lookup.js';
import { unpackMessage } from '../connect.js';
import { isOptions, signalOf } from './options.js';

/** Keyword-only arguments of create_connection, plus the AbortSignal. */
export interface CreateConnectionOptions {
  /** Reject with an AggregateError of every attempt's error instead of the last one. */
  all_errors?: boolean;
  signal?: AbortSignal;
}

/**
 * Connects to `[host, port]`, trying each address the resolver gives in turn
 * (Python's `socket.create_connection`), and resolves with the connected
 * socket. Resolution runs off the thread; each attempt is bounded by
 * `timeout` (default: the module's default timeout), which the socket keeps.
 * @syscall getaddrinfo(3) on libuv's thread pool, then socket(2), bind(2) with
 *   `source_address`, connect(2) — waits writable via the socket's uv_poll watcher
 * @throws (rejects) the last attempt's {OSError} (ConnectionRefusedError, TimeoutError, ...) ·
 *   {AggregateError} with `all_errors` · {gaierror} · {AbortError} · {TypeError} malformed address
 */
export function create_connection(address: readonly [string | null, number | string],
  timeout?: number | null | CreateConnectionOptions, source_address?: unknown | CreateConnectionOptions,
  options?: CreateConnectionOptions): Promise<Socket> {
  try {
    let opts: unknown = options;
    let t: unknown = timeout;
    let src: unknown = source_address;
    if (opts === undefined && isOptions(src)) [src, opts] = [undefined, src];
    if (opts === undefined && src === undefined && isOptions(t)) [t, opts] = [undefined, t];
    const signal = signalOf('create_connection', opts);
    const allErrors = opts !== undefined && (opts as CreateConnectionOptions).all_errors === true;
    if (!Array.isArray(address)) {
      throw new TypeError(`create_connection(): address must be an array [host, port], not ${typeName(address)}`);
    }
    if (address.length !== 2) throw new RangeError(unpackMessage('create_connection', address.length));
    const [host, port] = address as [string | null, number | string];
    const tmo = t === undefined ? undefined : toTimeout(t);
    return lookupStream(host, port, signal).then((infos) => attempt(infos, tmo, src, allErrors, signal));
  } catch (e) {
    return Promise.reject(e);
  }
}

async function attempt(infos: AddrInfo[], timeout: number | null | undefined,
  source: unknown, allErrors: boolean, signal: AbortSignal | undefined): Promise<Socket> {
  const errors: unknown[] = [];
  for (const [family, type, proto, , sa] of infos) {
    let sock: Socket | null = null;
    try {
      sock = new Socket(family, type, proto);
      if (timeout !== undefined) sock.settimeout(timeout);
      if (source !== undefined && source !== null) sock.bind(source);
      await sock.async.connect(sa, signal === undefined ? undefined : { signal });
      return sock;
    } catch (e) {
      sock?.close();
      if (!(e instanceof OSError)) throw e; // AbortError, TypeError: no other address helps
      if (!allErrors) errors.length = 0;
      errors.push(e);
    }
  }
  if (errors.length === 0) throw new OSError('getaddrinfo returns an empty list');
  if (!allErrors) throw errors[0];
  throw new AggregateError(errors, 'create_connection failed');
}
