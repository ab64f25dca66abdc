/**
 * Name services (DESIGN §2): getaddrinfo, getnameinfo, gethostbyname,
 * gethostbyname_ex, gethostbyaddr, getfqdn, getservbyname, getservbyport,
 * getprotobyname, and their Promise twins (the `async` namespace), which run
 * the same libc calls on libuv's thread pool and give identical results.
 *
 * Each function is three steps shared by both forms: validate and encode the
 * arguments as CPython does, run the job in native/resolver.c, turn its
 * outcome into the result or the error CPython raises.
 */
import { Buffer } from 'node:buffer';
import { domainToASCII } from 'node:url';
import { native } from './native.js';
import { EAI_SYSTEM, constantNames } from './constants.js';
import { OSError, errnoError, gaiError, herror, registerGaiNames } from './errors.js';
import { decodeRaw, setEaiSystem } from './address.js';
import { toCInt, toInt, typeName } from './validate.js';
import { gethostname } from './interfaces.js';
import { abortError, isOptions, signalOf, type AsyncOptions } from './async/options.js';

// Address errors raised anywhere in the library carry the right names.
setEaiSystem(EAI_SYSTEM);
registerGaiNames(constantNames.filter((n) => n.startsWith('EAI_') && native.constants[n] !== undefined)
  .map((n): [number, string] => [native.constants[n]!, n]));

/** The addon's failure outcome (native/resolver.c): never thrown there, thrown here. */
interface Failure {
  gai?: number;
  errno?: number;
  herror?: number;
  message?: string;
}

type RawAddrInfo = [number, number, number, string, AddrInfo[4] | Buffer];
type RawHostent = [string, string[], string[]];
type Raw<T> = T | Failure;

interface ResolverNative {
  getaddrinfo_decoded(host: string | Uint8Array | null, service: string | Uint8Array | null, family: number,
    type: number, proto: number, flags: number): Raw<RawAddrInfo[]>;
  getaddrinfo_decoded_async(host: string | Uint8Array | null, service: string | Uint8Array | null, family: number,
    type: number, proto: number, flags: number): Promise<Raw<RawAddrInfo[]>>;
  getnameinfo(host: string, port: number, flowinfo: number, scopeId: number, tupleLength: number,
    flags: number): Raw<[string, string]>;
  getnameinfo_async(host: string, port: number, flowinfo: number, scopeId: number, tupleLength: number,
    flags: number): Promise<Raw<[string, string]>>;
  gethostbyname(name: string | Uint8Array): Raw<string>;
  gethostbyname_async(name: string | Uint8Array): Promise<Raw<string>>;
  gethostbyname_ex(name: string | Uint8Array): Raw<RawHostent>;
  gethostbyname_ex_async(name: string | Uint8Array): Promise<Raw<RawHostent>>;
  gethostbyaddr(name: string | Uint8Array): Raw<RawHostent>;
  gethostbyaddr_async(name: string | Uint8Array): Promise<Raw<RawHostent>>;
  getservbyname(name: string, proto: string | null): Raw<number>;
  getservbyname_async(name: string, proto: string | null): Promise<Raw<number>>;
  getservbyport(port: number, proto: string | null): Raw<string>;
  getservbyport_async(port: number, proto: string | null): Promise<Raw<string>>;
  getprotobyname(name: string): Raw<number>;
  getprotobyname_async(name: string): Promise<Raw<number>>;
  hstrerror(code: number): string;
}

const rn = native as unknown as ResolverNative;

/** One entry of getaddrinfo: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string,
  sockaddr: [string, number] | [string, number, number, number]];
/** gethostbyname_ex / gethostbyaddr: `[hostname, aliaslist, ipaddrlist]`. */
export type HostEntry = [hostname: string, aliaslist: string[], ipaddrlist: string[]];
/** A host argument of the name services: a string (IDNA-encoded as Python does) or raw bytes. */
export type HostName = string | Uint8Array;
/** The last argument of every Promise twin: `{ signal }` (an abort rejects with AbortError; the look-up itself runs to its end). */
export type ResolveOptions = AsyncOptions;

// ---- argument encoding, CPython's way -------------------------------------

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function loneSurrogate(s: string): string | null {
  const m = LONE_SURROGATE.exec(s);
  return m === null ? null : m[0];
}

const hex = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16)}`;

/** A str argument that must hold no NUL and encode as UTF-8 (Python's "s" format). */
function cString(caller: string, what: string, v: unknown): string {
  if (typeof v !== 'string') {
    throw new TypeError(`${caller}() argument ${what} must be str, not ${typeName(v)}`);
  }
  if (v.includes('\0')) throw new RangeError('embedded null character');
  const bad = loneSurrogate(v);
  if (bad !== null) {
    throw new RangeError(`'utf-8' codec can't encode character '${hex(bad)}': surrogates not allowed`);
  }
  return v;
}

/**
 * Python's 'idna' codec: an ASCII name is checked label by label (1-63
 * characters, the last may be empty) and passed unchanged; any other name is
 * converted to its ASCII (punycode) form. Python's UnicodeError is a
 * ValueError, hence RangeError.
 */
export function idnaEncode(host: string): string {
  // ASCII fast path in one scan: label lengths checked as Python's codec does.
  let label = 0;
  let i = 0;
  for (; i < host.length; i++) {
    const ch = host.charCodeAt(i);
    if (ch > 0x7f) break;
    if (ch === 0x2e) {
      if (label === 0 || label >= 64) throw idnaError('label empty or too long');
      label = 0;
    } else {
      label++;
    }
  }
  if (i === host.length) {
    if (label >= 64) throw idnaError('label too long');
    return host;
  }
  const bad = loneSurrogate(host);
  if (bad !== null) throw idnaError(`Invalid character '${hex(bad)}'`);
  // Python splits on the four full stops of IDNA2003; node:url's UTS #46
  // mapping (the WHATWG URL rules) does the nameprep and punycode steps.
  const ascii = domainToASCII(host.replace(/[\u3002\uff0e\uff61]/g, '.'));
  if (ascii === '') throw idnaError('label empty or too long');
  return ascii;
}

function idnaError(why: string): RangeError {
  return new RangeError(`encoding with 'idna' codec failed (UnicodeError: ${why})`);
}

function bytesView(v: ArrayBufferView | ArrayBuffer): Uint8Array {
  return v instanceof Uint8Array ? v
    : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
    : new Uint8Array(v);
}

/** A host for gethostby*: str (IDNA) or bytes, as Python's "et" format. */
function hostArg(caller: string, v: unknown): string | Uint8Array {
  let h: string | Uint8Array;
  if (typeof v === 'string') h = idnaEncode(v);
  else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) h = bytesView(v);
  else throw new TypeError(`${caller}() argument 1 must be str, bytes or bytearray, not ${typeName(v)}`);
  // CPython's "et" converter refuses a NUL with TypeError ('encoded string without null bytes').
  if (typeof h === 'string' ? h.includes('\0') : h.includes(0)) {
    throw new TypeError(`${caller}() argument 1 must be encoded string without null bytes`);
  }
  return h;
}

function optionalProto(caller: string, v: unknown): string | null {
  return v === undefined ? null : cString(caller, '2', v);
}

/** getaddrinfo's port: an int (formatted as C's "%ld"), a str or bytes service name, or null. */
function serviceArg(v: unknown): string | Uint8Array | null {
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'bigint') {
    if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) {
      throw new RangeError('Python int too large to convert to C long');
    }
    return v.toString();
  }
  if (typeof v === 'string') {
    const bad = loneSurrogate(v);
    if (bad !== null) {
      throw new RangeError(`'utf-8' codec can't encode character '${hex(bad)}': surrogates not allowed`);
    }
    return v;
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return bytesView(v);
  // CPython 3.11 takes only an exact int, str, bytes or None here.
  throw new OSError('Int or String expected');
}

const int = (caller: string, what: string, v: unknown): number =>
  v === undefined ? 0 : toCInt(caller, what, v);

/** Python's "I" format: any int, masked to 32 bits. */
function maskedU32(caller: string, what: string, v: unknown): number {
  const n = toInt(caller, what, v);
  return ((n % 0x100000000) + 0x100000000) % 0x100000000;
}

// ---- outcomes --------------------------------------------------------------

function isFailure(r: unknown): r is Failure {
  return typeof r === 'object' && r !== null && !Array.isArray(r);
}

function failureError(f: Failure, syscall: string): OSError {
  if (f.gai !== undefined) return gaiError(f.gai, f.errno ?? 0, EAI_SYSTEM, syscall);
  if (f.herror !== undefined) return new herror(f.herror, rn.hstrerror(f.herror), { syscall });
  if (f.errno !== undefined) return errnoError(f.errno, syscall);
  return new OSError(f.message ?? 'name look-up failed', undefined, { syscall });
}

function ok<T>(r: Raw<T>, syscall: string): T {
  if (isFailure(r)) throw failureError(r, syscall);
  return r;
}

/** The addon decodes AF_INET/AF_INET6 itself; any other family comes as bytes. */
function addrInfoList(raw: Raw<RawAddrInfo[]>): AddrInfo[] {
  const list = ok(raw, 'getaddrinfo');
  for (const entry of list) {
    const sa = entry[4];
    if (Buffer.isBuffer(sa)) entry[4] = decodeRaw(native.decode_sockaddr(sa, sa.length)) as AddrInfo[4];
  }
  return list as AddrInfo[];
}

/** Stops waiting on abort (AbortError, cause = the signal's reason); the thread-pool job finishes on its own. */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
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

/** Splits a twin's arguments: the first options object takes the place of the trailing positionals. */
function splitOptions(args: unknown[]): [unknown[], unknown] {
  const i = args.findIndex(isOptions);
  return i < 0 ? [args, undefined] : [args.slice(0, i), args[i]];
}

/** Runs a twin: validates first (errors reject), then awaits the job on the thread pool. */
async function twin<A extends unknown[], R, T>(caller: string, options: unknown, prepare: () => A,
  start: (...a: A) => Promise<Raw<R>>, finish: (r: Raw<R>) => T): Promise<T> {
  const signal = signalOf(caller, options);
  const args = prepare();
  return finish(await abortable(start(...args), signal));
}

// ---- getaddrinfo -----------------------------------------------------------

function gaiArgs(host: unknown, port: unknown, family: unknown, type: unknown, proto: unknown,
  flags: unknown): [string | Uint8Array | null, string | Uint8Array | null, number, number, number, number] {
  let h: string | Uint8Array | null;
  if (host === null) h = null;
  else if (typeof host === 'string') h = idnaEncode(host);
  else if (ArrayBuffer.isView(host) || host instanceof ArrayBuffer) h = bytesView(host);
  else throw new TypeError('getaddrinfo() argument 1 must be string or None');
  if (port === undefined) throw new TypeError("getaddrinfo() missing required argument 'port' (pos 2)");
  const f = int('getaddrinfo', 'family', family);
  const t = int('getaddrinfo', 'type', type);
  const p = int('getaddrinfo', 'proto', proto);
  const fl = int('getaddrinfo', 'flags', flags);
  return [h, serviceArg(port), f, t, p, fl];
}

/**
 * Translates a host and port into the address entries needed to create and
 * connect sockets: `[family, type, proto, canonname, sockaddr]`, sockaddr as
 * `[host, port]` (AF_INET) or `[host, port, flowinfo, scope_id]` (AF_INET6).
 * `host` null with AI_PASSIVE gives the wildcard; an IPv6 literal may carry a
 * `%ifname` scope. `port` is a number, a service name or null. family, type,
 * proto and flags (AI_*) filter the results (0: any).
 * @syscall getaddrinfo(3)
 * @throws {gaierror} EAI_NONAME, EAI_SERVICE, EAI_FAMILY, EAI_SOCKTYPE, EAI_BADFLAGS... (errno = the EAI_* value) ·
 *   {OSError} EAI_SYSTEM as its errno; 'Int or String expected' for a port of another type ·
 *   {TypeError} host not a string, bytes or null; non-integer family/type/proto/flags ·
 *   {RangeError} IDNA label empty or too long, lone surrogates, integers beyond a C int
 * @example getaddrinfo('localhost', 80, AF_INET, SOCK_STREAM) // [[2, 1, 6, '', ['127.0.0.1', 80]]]
 */
export function getaddrinfo(host: HostName | null, port: number | bigint | string | Uint8Array | null,
  family?: number, type?: number, proto?: number, flags?: number): AddrInfo[] {
  const a = gaiArgs(host, port, family, type, proto, flags);
  return addrInfoList(rn.getaddrinfo_decoded(a[0], a[1], a[2], a[3], a[4], a[5]));
}

/** Promise twin of {@link getaddrinfo}, on libuv's thread pool. */
export function getaddrinfoAsync(host: HostName | null, port: number | bigint | string | Uint8Array | null,
  family?: number | ResolveOptions, type?: number | ResolveOptions, proto?: number | ResolveOptions,
  flags?: number | ResolveOptions, options?: ResolveOptions): Promise<AddrInfo[]> {
  const [pos, opts] = splitOptions([family, type, proto, flags, options]);
  return twin('getaddrinfo', opts, () => gaiArgs(host, port, pos[0], pos[1], pos[2], pos[3]),
    rn.getaddrinfo_decoded_async, addrInfoList);
}

// ---- getnameinfo -----------------------------------------------------------

function gniArgs(sockaddr: unknown, flags: unknown): [string, number, number, number, number, number] {
  if (flags === undefined) throw new TypeError('getnameinfo() takes exactly 2 arguments (1 given)');
  const fl = toCInt('getnameinfo', 'flags', flags);
  if (!Array.isArray(sockaddr)) throw new TypeError('getnameinfo() argument 1 must be a tuple');
  const sa = sockaddr as unknown[];
  if (sa.length < 2 || sa.length > 4) throw new TypeError('getnameinfo(): illegal sockaddr argument');
  if (typeof sa[0] !== 'string') throw new TypeError('getnameinfo(): illegal sockaddr argument');
  const host = cString('getnameinfo', '1', sa[0]);
  const port = toCInt('getnameinfo', 'port', sa[1]);
  const flowinfo = sa.length > 2 ? maskedU32('getnameinfo', 'flowinfo', sa[2]) : 0;
  const scope = sa.length > 3 ? maskedU32('getnameinfo', 'scope_id', sa[3]) : 0;
  if (flowinfo > 0xfffff) throw new RangeError('getnameinfo(): flowinfo must be 0-1048575.');
  return [host, port, flowinfo, scope, sa.length, fl];
}

const nameInfo = (r: Raw<[string, string]>): [string, string] => ok(r, 'getnameinfo');

/**
 * Translates a numeric socket address into `[host, port]` text, as names when
 * the C library can (NI_* flags: NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD,
 * NI_NOFQDN, NI_DGRAM). `sockaddr` is `[host, port]` or
 * `[host, port, flowinfo, scope_id]` with a numeric host; an IPv6 scope id
 * comes back as `%ifname`.
 * @syscall getaddrinfo(3) with AI_NUMERICHOST to build the sockaddr, then getnameinfo(3)
 * @throws {gaierror} a host that is not numeric, EAI_NONAME with NI_NAMEREQD... ·
 *   {OSError} 'IPv4 sockaddr must be 2 tuple' · {TypeError} sockaddr not an array or of 1 or 5+ items ·
 *   {RangeError} flowinfo beyond 0-1048575, port or flags beyond a C int
 * @example getnameinfo(['::1', 80, 0, 1], NI_NUMERICHOST | NI_NUMERICSERV) // ['::1%lo', '80']
 */
export function getnameinfo(sockaddr: readonly unknown[], flags: number): [string, string] {
  const a = gniArgs(sockaddr, flags);
  return nameInfo(rn.getnameinfo(a[0], a[1], a[2], a[3], a[4], a[5]));
}

/** Promise twin of {@link getnameinfo}, on libuv's thread pool. */
export function getnameinfoAsync(sockaddr: readonly unknown[], flags: number,
  options?: ResolveOptions): Promise<[string, string]> {
  return twin('getnameinfo', options, () => gniArgs(sockaddr, flags), rn.getnameinfo_async, nameInfo);
}

// ---- gethostby* ------------------------------------------------------------

const hostName = (r: Raw<string>): string => ok(r, 'gethostbyname');
const hostEntryEx = (r: Raw<RawHostent>): HostEntry => ok(r, 'gethostbyname_ex');
const hostEntryAddr = (r: Raw<RawHostent>): HostEntry => ok(r, 'gethostbyaddr');

/**
 * The IPv4 address of a host as text. An IPv4 literal comes back unchanged,
 * '' is '0.0.0.0' and '<broadcast>' '255.255.255.255'.
 * @syscall getaddrinfo(3) (AF_INET), skipped for literals
 * @throws {gaierror} unknown host, an IPv6-only name (EAI_ADDRFAMILY) · {TypeError} not a string or bytes ·
 *   {RangeError} IDNA errors
 * @example gethostbyname('localhost') // '127.0.0.1'
 */
export function gethostbyname(hostname: HostName): string {
  return hostName(rn.gethostbyname(hostArg('gethostbyname', hostname)));
}

/** Promise twin of {@link gethostbyname}, on libuv's thread pool. */
export function gethostbynameAsync(hostname: HostName, options?: ResolveOptions): Promise<string> {
  return twin('gethostbyname', options, () => [hostArg('gethostbyname', hostname)] as [string | Uint8Array],
    rn.gethostbyname_async, hostName);
}

/**
 * `[hostname, aliaslist, ipaddrlist]` of an IPv4 host.
 * @syscall getaddrinfo(3) (AF_INET, to check the name) then gethostbyname_r(3)
 * @throws {gaierror} unknown host · {herror} h_errno of gethostbyname_r (HOST_NOT_FOUND = 1...) ·
 *   {TypeError} not a string or bytes · {RangeError} IDNA errors
 * @example gethostbyname_ex('localhost') // ['localhost', [], ['127.0.0.1']]
 */
export function gethostbyname_ex(hostname: HostName): HostEntry {
  return hostEntryEx(rn.gethostbyname_ex(hostArg('gethostbyname_ex', hostname)));
}

/** Promise twin of {@link gethostbyname_ex}, on libuv's thread pool. */
export function gethostbyname_exAsync(hostname: HostName, options?: ResolveOptions): Promise<HostEntry> {
  return twin('gethostbyname_ex', options, () => [hostArg('gethostbyname_ex', hostname)] as [string | Uint8Array],
    rn.gethostbyname_ex_async, hostEntryEx);
}

/**
 * `[hostname, aliaslist, ipaddrlist]` for an address (IPv4 or IPv6; a name
 * is resolved to its first address first).
 * @syscall getaddrinfo(3) (AF_UNSPEC, skipped for literals) then gethostbyaddr_r(3)
 * @throws {herror} no name for the address (HOST_NOT_FOUND = 1) · {gaierror} malformed address or unknown name ·
 *   {OSError} 'wildcard resolved to multiple address' for '' · {TypeError} not a string or bytes
 * @example gethostbyaddr('127.0.0.1') // ['localhost', [], ['127.0.0.1']]
 */
export function gethostbyaddr(ip_address: HostName): HostEntry {
  return hostEntryAddr(rn.gethostbyaddr(hostArg('gethostbyaddr', ip_address)));
}

/** Promise twin of {@link gethostbyaddr}, on libuv's thread pool. */
export function gethostbyaddrAsync(ip_address: HostName, options?: ResolveOptions): Promise<HostEntry> {
  return twin('gethostbyaddr', options, () => [hostArg('gethostbyaddr', ip_address)] as [string | Uint8Array],
    rn.gethostbyaddr_async, hostEntryAddr);
}

function fqdnName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`getfqdn() argument must be str, not ${typeName(name)}`);
  const n = name.trim();
  return n === '' || n === '0.0.0.0' || n === '::' ? gethostname() : n;
}

function fqdnOf(name: string, r: Raw<RawHostent>): string {
  if (isFailure(r)) return name;
  const [hostname, aliases] = r;
  for (const a of [hostname, ...aliases]) if (a.includes('.')) return a;
  return hostname;
}

/**
 * A fully qualified domain name for `name` (default: this host): the first
 * of gethostbyaddr's name and aliases that contains a dot, else its name;
 * `name` unchanged when the look-up fails. '', '0.0.0.0' and '::' mean this host.
 * @syscall gethostname(2), then gethostbyaddr as above
 * @throws {TypeError} name not a string · {RangeError} IDNA errors
 * @example getfqdn('127.0.0.1') // 'localhost'
 */
export function getfqdn(name = ''): string {
  const n = fqdnName(name);
  let raw: Raw<RawHostent>;
  try {
    raw = rn.gethostbyaddr(hostArg('gethostbyaddr', n));
  } catch (e) {
    if (e instanceof OSError) return n;
    throw e;
  }
  return fqdnOf(n, raw);
}

/** Promise twin of {@link getfqdn}: the look-up runs on libuv's thread pool. */
export async function getfqdnAsync(name: string | ResolveOptions = '', options?: ResolveOptions): Promise<string> {
  const [pos, opts] = splitOptions([name, options]);
  const n = fqdnName(pos[0] ?? '');
  const raw = await twin('getfqdn', opts, () => [hostArg('gethostbyaddr', n)] as [string | Uint8Array],
    rn.gethostbyaddr_async, (r) => r);
  return fqdnOf(n, raw);
}

// ---- services and protocols ------------------------------------------------

const servPort = (r: Raw<number>): number => ok(r, 'getservbyname');
const servName = (r: Raw<string>): string => ok(r, 'getservbyport');
const protoNumber = (r: Raw<number>): number => ok(r, 'getprotobyname');

function servByPortArgs(port: unknown, protocolname: unknown): [number, string | null] {
  const p = toCInt('getservbyport', 'port', port);
  if (p < 0 || p > 0xffff) throw new RangeError('getservbyport: port must be 0-65535.');
  return [p, optionalProto('getservbyport', protocolname)];
}

/**
 * The port number of a service ('http' -> 80), optionally for one protocol ('tcp', 'udp').
 * @syscall getservbyname_r(3) (/etc/services)
 * @throws {OSError} 'service/proto not found' · {TypeError} not strings · {RangeError} embedded NUL
 * @example getservbyname('daytime', 'tcp') // 13
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  return servPort(rn.getservbyname(cString('getservbyname', '1', servicename),
    optionalProto('getservbyname', protocolname)));
}

/** Promise twin of {@link getservbyname}, on libuv's thread pool. */
export function getservbynameAsync(servicename: string, protocolname?: string | ResolveOptions,
  options?: ResolveOptions): Promise<number> {
  const [pos, opts] = splitOptions([protocolname, options]);
  return twin('getservbyname', opts, () => [cString('getservbyname', '1', servicename),
    optionalProto('getservbyname', pos[0])] as [string, string | null], rn.getservbyname_async, servPort);
}

/**
 * The service name of a port (80 -> 'http'), optionally for one protocol.
 * @syscall getservbyport_r(3) (/etc/services)
 * @throws {OSError} 'port/proto not found' · {RangeError} port outside 0-65535 · {TypeError} not an integer
 * @example getservbyport(13) // 'daytime'
 */
export function getservbyport(port: number, protocolname?: string): string {
  const a = servByPortArgs(port, protocolname);
  return servName(rn.getservbyport(a[0], a[1]));
}

/** Promise twin of {@link getservbyport}, on libuv's thread pool. */
export function getservbyportAsync(port: number, protocolname?: string | ResolveOptions,
  options?: ResolveOptions): Promise<string> {
  const [pos, opts] = splitOptions([protocolname, options]);
  return twin('getservbyport', opts, () => servByPortArgs(port, pos[0]), rn.getservbyport_async, servName);
}

/**
 * The number of a protocol ('tcp' -> 6), for socket()'s third argument.
 * @syscall getprotobyname_r(3) (/etc/protocols)
 * @throws {OSError} 'protocol not found' · {TypeError} not a string · {RangeError} embedded NUL
 * @example getprotobyname('icmp') // 1
 */
export function getprotobyname(protocolname: string): number {
  return protoNumber(rn.getprotobyname(cString('getprotobyname', '1', protocolname)));
}

/** Promise twin of {@link getprotobyname}, on libuv's thread pool. */
export function getprotobynameAsync(protocolname: string, options?: ResolveOptions): Promise<number> {
  return twin('getprotobyname', options, () => [cString('getprotobyname', '1', protocolname)] as [string],
    rn.getprotobyname_async, protoNumber);
}
