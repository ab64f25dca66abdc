/**
 * The convenience layer of Python's socket.py: create_connection,
 * create_server, has_dualstack_ipv6 and has_ipv6, with the same steps,
 * socket options and errors.
 */
import { Buffer } from 'node:buffer';
import {
  AF_INET, AF_INET6, IPPROTO_IPV6, IPV6_V6ONLY, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT,
} from './constants.js';
import { OSError, errnoClass } from './errors.js';
import { Socket } from './socket.js';
import { getaddrinfo } from './resolver.js';
import { toCInt, toTimeout, typeName } from './validate.js';

/** True when this build knows IPv6 (Python's compile-time `socket.has_ipv6`). */
export const has_ipv6: boolean = AF_INET6 !== undefined;

/** Keyword-only arguments of create_connection. */
export interface CreateConnectionOptions {
  /** Throw an AggregateError of every attempt's error instead of the last one. */
  all_errors?: boolean;
}

/** Keyword-only arguments of create_server. */
export interface CreateServerOptions {
  /** AF_INET (default) or AF_INET6. */
  family?: number;
  /** listen()'s backlog; null or absent for listen()'s default. */
  backlog?: number | null;
  /** Set SO_REUSEPORT. */
  reuse_port?: boolean;
  /** One AF_INET6 socket that also accepts IPv4 clients (IPV6_V6ONLY 0). */
  dualstack_ipv6?: boolean;
}

const isOptions = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** Python's message for `host, port = address` with the wrong number of items. */
export function unpackMessage(caller: string, got: number): string {
  return got > 2 ? `${caller}(): too many values to unpack (expected 2)`
    : `${caller}(): not enough values to unpack (expected 2, got ${got})`;
}

function hostPort(caller: string, address: unknown): [unknown, unknown] {
  if (!Array.isArray(address)) throw new TypeError(`${caller}(): address must be an array [host, port], not ${typeName(address)}`);
  // Python unpacks `host, port = address`: a wrong length is ValueError, RangeError here.
  if (address.length !== 2) throw new RangeError(unpackMessage(caller, address.length));
  return [address[0], address[1]];
}

/**
 * Connects a TCP socket to `[host, port]`: resolves the address, then tries
 * each result in turn (socket, settimeout, bind to `source_address`, connect)
 * and returns the first socket that connects. `timeout` undefined keeps the
 * default timeout, null means blocking. Options may take the place of
 * `timeout` and `source_address`: `create_connection(addr, { all_errors: true })`.
 * @syscall getaddrinfo(3), then socket(2), bind(2), connect(2) per address
 * @throws {OSError} the last attempt's error (ConnectionRefusedError, TimeoutError...) ·
 *   {AggregateError} of every attempt's error with `all_errors` ('create_connection failed (N sub-exceptions)') ·
 *   {gaierror} the name does not resolve · {TypeError}/{RangeError} malformed address or timeout
 * @example const s = create_connection(['localhost', 8080], 5);
 */
export function create_connection(address: readonly unknown[], timeout?: number | null | CreateConnectionOptions,
  source_address?: readonly unknown[] | null | CreateConnectionOptions, options?: CreateConnectionOptions): Socket {
  let opts: CreateConnectionOptions = options ?? {};
  let t: unknown = timeout;
  let src: unknown = source_address;
  if (isOptions(t)) {
    opts = t as CreateConnectionOptions;
    t = undefined;
    src = undefined;
  } else if (isOptions(src)) {
    opts = src as CreateConnectionOptions;
    src = undefined;
  }
  const [host, port] = hostPort('create_connection', address);
  // Validated once, before any system call (Python fails on the first socket).
  const secs = t === undefined ? undefined : toTimeout(t);
  const bindTo = src === undefined || src === null || (Array.isArray(src) && src.length === 0) ? null : src;
  const allErrors = opts.all_errors === true;
  const errors: OSError[] = [];
  for (const [af, socktype, proto, , sa] of getaddrinfo(host as string | null, port as number, 0, SOCK_STREAM)) {
    let sock: Socket | null = null;
    try {
      sock = new Socket(af, socktype, proto);
      if (secs !== undefined) sock.settimeout(secs);
      if (bindTo !== null) sock.bind(bindTo);
      sock.connect(sa);
      return sock;
    } catch (e) {
      sock?.close();
      if (!(e instanceof OSError)) throw e;
      if (!allErrors) errors.length = 0;
      errors.push(e);
    }
  }
  if (errors.length === 0) throw new OSError('getaddrinfo returns an empty list');
  if (!allErrors) throw errors[0]!;
  const n = errors.length;
  throw new AggregateError(errors, `create_connection failed (${n} sub-exception${n === 1 ? '' : 's'})`);
}

/**
 * Whether one AF_INET6 stream socket can accept both IPv4 and IPv6 clients.
 * @syscall socket(2) AF_INET6 and setsockopt(2) IPV6_V6ONLY 0
 * @throws nothing
 */
export function has_dualstack_ipv6(): boolean {
  if (!has_ipv6 || IPPROTO_IPV6 === undefined || IPV6_V6ONLY === undefined) return false;
  let sock: Socket | null = null;
  try {
    sock = new Socket(AF_INET6, SOCK_STREAM);
    sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0);
    return true;
  } catch (e) {
    if (e instanceof OSError) return false;
    throw e;
  } finally {
    sock?.close();
  }
}

/** Python's repr() of an address, for create_server's bind error message. */
function pyRepr(v: unknown): string {
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === '\\' || ch === q) out += `\\${ch}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
      else out += ch;
    }
    return q + out + q;
  }
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (Buffer.isBuffer(v)) return `b'${v.toString('latin1')}'`;
  return String(v);
}

/**
 * A listening TCP socket bound to `[host, port]`, with SO_REUSEADDR set
 * (and SO_REUSEPORT with `reuse_port`). An AF_INET6 server gets IPV6_V6ONLY
 * 1, or 0 with `dualstack_ipv6` so that IPv4 clients show up as
 * '::ffff:a.b.c.d'.
 * @syscall socket(2), setsockopt(2) SO_REUSEADDR/SO_REUSEPORT/IPV6_V6ONLY, bind(2), listen(2)
 * @throws {OSError} bind's error, with errno kept and
 *   "<strerror> (while attempting to bind on address ('host', port))" as strerror ·
 *   {RangeError} dualstack_ipv6 without AF_INET6, or an option the platform lacks ·
 *   {TypeError} options of the wrong type
 * @example const srv = create_server(['', 8080], { reuse_port: true });
 */
export function create_server(address: readonly unknown[], options: CreateServerOptions = {}): Socket {
  if (!isOptions(options)) throw new TypeError(`create_server(): options must be an object, not ${typeName(options)}`);
  const family = options.family === undefined ? AF_INET : toCInt('create_server', 'family', options.family);
  const backlog = options.backlog === undefined || options.backlog === null ? undefined
    : toCInt('create_server', 'backlog', options.backlog);
  const reusePort = options.reuse_port === true;
  const dualstack = options.dualstack_ipv6 === true;
  if (reusePort && SO_REUSEPORT === undefined) throw new RangeError('SO_REUSEPORT not supported on this platform');
  if (dualstack) {
    if (!has_dualstack_ipv6()) throw new RangeError('dualstack_ipv6 not supported on this platform');
    if (family !== AF_INET6) throw new RangeError('dualstack_ipv6 requires AF_INET6 family');
  }
  const sock = new Socket(family, SOCK_STREAM);
  try {
    try {
      sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    } catch (e) {
      // Python lets bind() report the problem on platforms without it.
      if (!(e instanceof OSError)) throw e;
    }
    if (reusePort) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    if (has_ipv6 && family === AF_INET6 && IPPROTO_IPV6 !== undefined && IPV6_V6ONLY !== undefined) {
      sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, dualstack ? 0 : 1);
    }
    try {
      sock.bind(address);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      const where = `(while attempting to bind on address ${pyRepr(address)})`;
      if (e.errno === null) throw new OSError(`${e.message} ${where}`, undefined, { syscall: 'bind', cause: e });
      const Cls = errnoClass(e.errno);
      throw new Cls(e.errno, `${e.strerror ?? ''} ${where}`, { syscall: 'bind', filename: address });
    }
    if (backlog === undefined) sock.listen();
    else sock.listen(backlog);
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}
