/**
 * The table of bad inputs (docs/errors.md): each case is an input, a thunk
 * that makes the call, the error it must raise, and the same call in Python
 * with the class Python raises. test/errors-table.test.ts checks every case
 * against the library and python3 and fails when docs/errors.md differs from
 * `renderErrorsDoc()`; `npm run gen:errors-doc` writes the file from here.
 */
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';

/** Sockets, descriptors and paths a case makes; all released after it. */
export class Fixtures {
  readonly #socks: socket.Socket[] = [];
  readonly #fds: number[] = [];
  #dir: string | null = null;

  track(s: socket.Socket): socket.Socket {
    this.#socks.push(s);
    return s;
  }
  tcp(): socket.Socket { return this.track(socket.socket(socket.AF_INET, socket.SOCK_STREAM)); }
  tcp6(): socket.Socket { return this.track(socket.socket(socket.AF_INET6, socket.SOCK_STREAM)); }
  udp(): socket.Socket { return this.track(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)); }
  unix(): socket.Socket { return this.track(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)); }
  /** A TCP socket, already closed. */
  closed(): socket.Socket {
    const s = socket.socket();
    s.close();
    return s;
  }
  /** A TCP listener on 127.0.0.1, any port. */
  listener(): socket.Socket {
    const s = this.tcp();
    s.bind(['127.0.0.1', 0]);
    s.listen();
    return s;
  }
  /** A connected AF_UNIX stream pair. */
  pair(): [socket.Socket, socket.Socket] {
    const [a, b] = socket.socketpair();
    this.track(a);
    this.track(b);
    return [a, b];
  }
  /** A loopback port nothing listens on (bound, then released). */
  freePort(): number {
    const s = socket.socket();
    s.bind(['127.0.0.1', 0]);
    const port = (s.getsockname() as [string, number])[1];
    s.close();
    return port;
  }
  /** A descriptor of /dev/null (not a socket). */
  devNull(): number {
    const fd = openSync('/dev/null', 'r');
    this.#fds.push(fd);
    return fd;
  }
  /** A fresh path in a private directory. */
  tmpPath(name = 'sock'): string {
    this.#dir ??= mkdtempSync(path.join(tmpdir(), 'bsd-socket-errors-'));
    return path.join(this.#dir, name);
  }
  release(): void {
    for (const s of this.#socks.splice(0)) s.close();
    for (const fd of this.#fds.splice(0)) closeSync(fd);
    if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }
}

/** Python's side of the fixtures, for the `python` snippets (same names, same meaning). */
export const PYTHON_FIXTURES = `
import socket, os, tempfile, shutil, io
class Fixtures:
    def __init__(self): self.socks = []; self.fds = []; self.dir = None
    def track(self, s): self.socks.append(s); return s
    def tcp(self): return self.track(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    def tcp6(self): return self.track(socket.socket(socket.AF_INET6, socket.SOCK_STREAM))
    def udp(self): return self.track(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    def unix(self): return self.track(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
    def closed(self):
        s = socket.socket(); s.close(); return s
    def listener(self):
        s = self.tcp(); s.bind(('127.0.0.1', 0)); s.listen(); return s
    def pair(self):
        a, b = socket.socketpair(); self.track(a); self.track(b); return a, b
    def freePort(self):
        s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p
    def devNull(self):
        fd = os.open('/dev/null', os.O_RDONLY); self.fds.append(fd); return fd
    def tmpPath(self, name='sock'):
        if self.dir is None: self.dir = tempfile.mkdtemp(prefix='bsd-socket-errors-')
        return os.path.join(self.dir, name)
    def release(self):
        for s in self.socks: s.close()
        for fd in self.fds: os.close(fd)
        if self.dir is not None: shutil.rmtree(self.dir, ignore_errors=True)
`;

export interface ErrorCase {
  /** The part of the API (a heading of docs/errors.md). */
  area: string;
  /** The bad input, in words. */
  input: string;
  /** Makes the call (a returned Promise must reject). */
  run: (f: Fixtures) => unknown;
  /** The error's class name. */
  cls: string;
  /** Its `code` (errno name, EAI_* name); undefined when it has none. */
  code: string | undefined;
  /** Its message, exactly; `<n>` stands for a number that changes between runs (a port). */
  message: string;
  /** The same call in Python (statements over `f`, a Fixtures), or null where Python has no analogue. */
  python: string | null;
  /** The class Python raises (the test checks it with python3); 'none' when Python accepts the input. */
  pyClass: string | null;
  /** Why the class differs from Python's, where it does beyond the documented mapping. */
  note: string | undefined;
  /** A socket the case needs (family, type, proto): without it (EPERM, EAFNOSUPPORT) the case is skipped. */
  needs?: [number, number, number];
}

const cases: ErrorCase[] = [];
let area = '';
function section(name: string): void {
  area = name;
}
/** One case: input, thunk, our [class, code, message], Python's [snippet, class]. */
function bad(input: string, run: (f: Fixtures) => unknown, ours: [string, string | undefined, string],
  python: [string, string] | null = null, note?: string): void {
  cases.push({
    area, input, run, cls: ours[0], code: ours[1], message: ours[2],
    python: python?.[0] ?? null, pyClass: python?.[1] ?? null, note,
  });
}

/** Marks the case just added as needing a socket the kernel or our privileges may refuse. */
function needs(family: number, type: number, proto = 0): void {
  cases[cases.length - 1]!.needs = [family, type, proto];
}

const buf = (n: number): Buffer => Buffer.alloc(n);
const FOUR = Buffer.from([1, 2, 3, 4]);

// ---------------------------------------------------------------------------
section('socket(), socketpair(), fromfd()');
bad('unknown family 999', () => socket.socket(999), ['OSError', 'EAFNOSUPPORT', '[Errno 97] Address family not supported by protocol'], ['socket.socket(999)', 'OSError']);
bad('unknown type 999', () => socket.socket(socket.AF_INET, 999), ['OSError', 'EINVAL', '[Errno 22] Invalid argument'], ['socket.socket(socket.AF_INET, 999)', 'OSError']);
bad('protocol 999 for AF_INET stream', () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 999), ['OSError', 'EINVAL', '[Errno 22] Invalid argument'],
  ['socket.socket(socket.AF_INET, socket.SOCK_STREAM, 999)', 'OSError']);
bad('IPPROTO_TCP for a datagram socket', () => socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_TCP), ['OSError', 'EPROTONOSUPPORT', '[Errno 93] Protocol not supported'],
  ['socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_TCP)', 'OSError']);
bad('family as a string', () => socket.socket('x' as unknown as number), ['TypeError', undefined, 'socket(): family must be an integer, not str'], ["socket.socket('x')", 'TypeError']);
bad('family 1.5 (not an integer)', () => socket.socket(1.5), ['TypeError', undefined, 'socket(): family must be an integer, not float'], ['socket.socket(1.5)', 'TypeError']);
bad('family 2**40 (past a C int)', () => socket.socket(2 ** 40), ['RangeError', undefined, 'socket(): family is out of range for a C int'], ['socket.socket(2**40)', 'OverflowError']);
bad('fileno -5', () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, -5), ['RangeError', undefined, 'negative file descriptor'],
  ['socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, -5)', 'ValueError']);
bad('fileno of no open descriptor', () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 99_999), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'],
  ['socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 99999)', 'OSError']);
bad('fileno of /dev/null (not a socket)', (f) => socket.socket(undefined, undefined, undefined, f.devNull()), ['OSError', 'ENOTSOCK', '[Errno 88] Socket operation on non-socket'],
  ['socket.socket(fileno=f.devNull())', 'OSError']);
bad('fileno as a string', () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 'x' as unknown as number), ['TypeError', undefined, 'socket(): fileno must be an integer, not str'],
  ["socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 'x')", 'TypeError']);
bad('socketpair(AF_INET)', () => socket.socketpair(socket.AF_INET), ['OSError', 'ENOTSUP', '[Errno 95] Operation not supported'], ['socket.socketpair(socket.AF_INET)', 'OSError']);
bad('socketpair(AF_UNIX, type 999)', () => socket.socketpair(socket.AF_UNIX, 999), ['OSError', 'EINVAL', '[Errno 22] Invalid argument'], ['socket.socketpair(socket.AF_UNIX, 999)', 'OSError']);
bad('fromfd(-1, ...)', () => socket.fromfd(-1, socket.AF_INET, socket.SOCK_STREAM), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'],
  ['socket.fromfd(-1, socket.AF_INET, socket.SOCK_STREAM)', 'OSError']);
bad('fromfd of no open descriptor', () => socket.fromfd(99_999, socket.AF_INET, socket.SOCK_STREAM), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'],
  ['socket.fromfd(99999, socket.AF_INET, socket.SOCK_STREAM)', 'OSError']);
bad('fromfd of /dev/null (not a socket)', (f) => socket.fromfd(f.devNull(), socket.AF_INET, socket.SOCK_STREAM), ['OSError', 'ENOTSOCK', '[Errno 88] Socket operation on non-socket'],
  ['socket.fromfd(f.devNull(), socket.AF_INET, socket.SOCK_STREAM)', 'OSError']);
bad('fromfd with a string descriptor', () => socket.fromfd('3' as unknown as number, socket.AF_INET, socket.SOCK_STREAM), ['TypeError', undefined, 'fromfd(): fd must be an integer, not str'],
  ["socket.fromfd('3', socket.AF_INET, socket.SOCK_STREAM)", 'TypeError']);
bad('close(-1)', () => socket.close(-1), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['socket.close(-1)', 'OSError']);
bad('close of no open descriptor', () => socket.close(99_999), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['socket.close(99999)', 'OSError']);

// ---------------------------------------------------------------------------
section('AF_INET and AF_INET6 addresses (bind, connect, sendto)');
bad('a string for an AF_INET address', (f) => f.tcp().bind('127.0.0.1'), ['TypeError', undefined, 'bind(): AF_INET address must be tuple, not str'], ["f.tcp().bind('127.0.0.1')", 'TypeError']);
bad('a one-element AF_INET address', (f) => f.tcp().bind(['127.0.0.1']), ['TypeError', undefined, 'bind(): AF_INET address must be a pair (host, port)'], ["f.tcp().bind(('127.0.0.1',))", 'TypeError']);
bad('a three-element AF_INET address', (f) => f.tcp().bind(['127.0.0.1', 0, 0]), ['TypeError', undefined, 'bind(): AF_INET address must be a pair (host, port)'], ["f.tcp().bind(('127.0.0.1', 0, 0))", 'TypeError']);
bad('port 70000', (f) => f.tcp().bind(['127.0.0.1', 70_000]), ['RangeError', undefined, 'bind(): port must be 0-65535.'], ["f.tcp().bind(('127.0.0.1', 70000))", 'OverflowError']);
bad('port -1', (f) => f.tcp().bind(['127.0.0.1', -1]), ['RangeError', undefined, 'bind(): port must be 0-65535.'], ["f.tcp().bind(('127.0.0.1', -1))", 'OverflowError']);
bad("port as a string '80'", (f) => f.tcp().bind(['127.0.0.1', '80']), ['TypeError', undefined, 'bind(): port must be an integer, not str'], ["f.tcp().bind(('127.0.0.1', '80'))", 'TypeError']);
bad('port 1.5', (f) => f.tcp().bind(['127.0.0.1', 1.5]), ['TypeError', undefined, 'bind(): port must be an integer, not float'], ["f.tcp().bind(('127.0.0.1', 1.5))", 'TypeError']);
bad('host as a number', (f) => f.tcp().bind([1234, 0]), ['TypeError', undefined, 'bind(): host must be a string, not int'], ['f.tcp().bind((1234, 0))', 'TypeError']);
bad('host with an embedded NUL', (f) => f.tcp().bind(['127.0.0.1\0', 0]), ['TypeError', undefined, 'bind(): host name must not contain null character'], ["f.tcp().bind(('127.0.0.1\\0', 0))", 'TypeError']);
bad('an address no interface has (192.0.2.1)', (f) => f.tcp().bind(['192.0.2.1', 0]), ['OSError', 'EADDRNOTAVAIL', '[Errno 99] Cannot assign requested address'], ["f.tcp().bind(('192.0.2.1', 0))", 'OSError']);
bad('a port already bound', (f) => f.tcp().bind(f.listener().getsockname()), ['OSError', 'EADDRINUSE', '[Errno 98] Address already in use'],
  ['f.tcp().bind(f.listener().getsockname())', 'OSError']);
bad('bind twice', (f) => { const s = f.tcp(); s.bind(['127.0.0.1', 0]); s.bind(['127.0.0.1', 0]); }, ['OSError', 'EINVAL', '[Errno 22] Invalid argument'],
  ["s = f.tcp(); s.bind(('127.0.0.1', 0)); s.bind(('127.0.0.1', 0))", 'OSError']);
bad('connect to a port nothing listens on', (f) => f.tcp().connect(['127.0.0.1', f.freePort()]), ['ConnectionRefusedError', 'ECONNREFUSED', '[Errno 111] Connection refused'],
  ["f.tcp().connect(('127.0.0.1', f.freePort()))", 'ConnectionRefusedError']);
bad('connect a listening socket', (f) => { const s = f.listener(); s.connect(s.getsockname()); }, ['OSError', 'EISCONN', '[Errno 106] Transport endpoint is already connected'],
  ['s = f.listener(); s.connect(s.getsockname())', 'OSError']);
bad('connect twice', (f) => { const s = f.tcp(); const l = f.listener(); s.connect(l.getsockname()); s.connect(l.getsockname()); }, ['OSError', 'EISCONN', '[Errno 106] Transport endpoint is already connected'],
  ['s = f.tcp(); l = f.listener(); s.connect(l.getsockname()); s.connect(l.getsockname())', 'OSError']);
bad('an AF_INET6 address with one element', (f) => f.tcp6().bind(['::1']), ['TypeError', undefined, 'bind(): AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])'], ["f.tcp6().bind(('::1',))", 'TypeError']);
bad('an AF_INET6 address with five elements', (f) => f.tcp6().bind(['::1', 0, 0, 0, 0]), ['TypeError', undefined, 'bind(): AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])'], ["f.tcp6().bind(('::1', 0, 0, 0, 0))", 'TypeError']);
bad('flowinfo -1', (f) => f.tcp6().bind(['::1', 0, -1]), ['RangeError', undefined, 'bind(): flowinfo must be 0-1048575.'], ["f.tcp6().bind(('::1', 0, -1))", 'OverflowError']);
bad('flowinfo 2**20 (past 20 bits)', (f) => f.tcp6().bind(['::1', 0, 2 ** 20]), ['RangeError', undefined, 'bind(): flowinfo must be 0-1048575.'], ["f.tcp6().bind(('::1', 0, 2**20))", 'OverflowError']);
bad('scope_id as a string', (f) => f.tcp6().bind(['::1', 0, 0, 'x']), ['TypeError', undefined, 'bind(): scope_id must be an integer, not str'], ["f.tcp6().bind(('::1', 0, 0, 'x'))", 'TypeError']);
bad('scope_id 2**32', (f) => f.tcp6().bind(['::1', 0, 0, 2 ** 32]), ['RangeError', undefined, 'bind(): scope_id must be 0-4294967295.'], ["f.tcp6().bind(('::1', 0, 0, 2**32))", 'none'], 'Python truncates scope_id to 32 bits without an error');
bad('an IPv4 host for AF_INET6', (f) => f.tcp6().bind(['127.0.0.1', 0]), ['gaierror', 'EAI_ADDRFAMILY', '[Errno -9] Address family for hostname not supported'], ["f.tcp6().bind(('127.0.0.1', 0))", 'gaierror']);
bad('an IPv6 host for AF_INET', (f) => f.tcp().bind(['::1', 0]), ['gaierror', 'EAI_ADDRFAMILY', '[Errno -9] Address family for hostname not supported'], ["f.tcp().bind(('::1', 0))", 'gaierror']);
bad('sendto with a port past 65535', (f) => f.udp().sendto(FOUR, ['127.0.0.1', 70_000]), ['RangeError', undefined, 'sendto(): port must be 0-65535.'],
  ["f.udp().sendto(b'\\1\\2\\3\\4', ('127.0.0.1', 70000))", 'OverflowError']);
bad('sendto without an address', (f) => (f.udp().sendto as (d: Buffer) => number)(FOUR), ['TypeError', undefined, 'sendto() takes 2 or 3 arguments (1 given)'],
  ["f.udp().sendto(b'\\1\\2\\3\\4')", 'TypeError']);
bad('sendto with a string for the address', (f) => f.udp().sendto(FOUR, 'x'), ['TypeError', undefined, 'sendto(): AF_INET address must be tuple, not str'], ["f.udp().sendto(b'\\1\\2\\3\\4', 'x')", 'TypeError']);
bad('sendto with flags as a string', (f) => f.udp().sendto(FOUR, 'x', ['127.0.0.1', 9]), ['TypeError', undefined, 'sendto(): flags must be an integer, not str'],
  ["f.udp().sendto(b'\\1\\2\\3\\4', 'x', ('127.0.0.1', 9))", 'TypeError']);

// ---------------------------------------------------------------------------
section('AF_UNIX and other families\' addresses');
bad('a number for an AF_UNIX path', (f) => f.unix().bind(123), ['TypeError', undefined, 'bind(): AF_UNIX address must be str or bytes, not int'], ['f.unix().bind(123)', 'TypeError']);
bad('an array for an AF_UNIX path', (f) => f.unix().bind(['a', 1]), ['TypeError', undefined, 'bind(): AF_UNIX address must be str or bytes, not array'], ["f.unix().bind(('a', 1))", 'TypeError']);
bad('an AF_UNIX path of 200 bytes', (f) => f.unix().bind('x'.repeat(200)), ['OSError', undefined, 'AF_UNIX path too long'], ["f.unix().bind('x' * 200)", 'OSError']);
bad('an AF_UNIX path in a missing directory', (f) => f.unix().bind(f.tmpPath('missing/sock')), ['FileNotFoundError', 'ENOENT', '[Errno 2] No such file or directory'],
  ["f.unix().bind(f.tmpPath('missing/sock'))", 'FileNotFoundError']);
bad('an AF_UNIX path already bound', (f) => { const p = f.tmpPath(); f.unix().bind(p); f.unix().bind(p); }, ['OSError', 'EADDRINUSE', '[Errno 98] Address already in use'],
  ['p = f.tmpPath(); f.unix().bind(p); f.unix().bind(p)', 'OSError']);
bad('connect to an AF_UNIX path that does not exist', (f) => f.unix().connect(f.tmpPath('nobody')), ['FileNotFoundError', 'ENOENT', '[Errno 2] No such file or directory'],
  ["f.unix().connect(f.tmpPath('nobody'))", 'FileNotFoundError']);
bad('AF_NETLINK address with one element', () => { const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); try { s.bind([0]); } finally { s.close(); } },
  ['TypeError', undefined, 'AF_NETLINK address must be a pair (pid, groups)'], ['s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)\ntry: s.bind((0,))\nfinally: s.close()', 'TypeError']);
needs(socket.AF_NETLINK, socket.SOCK_RAW);
bad('AF_NETLINK address with a string pid', () => { const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); try { s.bind(['x', 0]); } finally { s.close(); } },
  ['TypeError', undefined, '\'str\' object cannot be interpreted as an integer'], ["s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)\ntry: s.bind(('x', 0))\nfinally: s.close()", 'TypeError']);
needs(socket.AF_NETLINK, socket.SOCK_RAW);
bad('AF_PACKET bind to an interface that does not exist', () => { const s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0); try { s.bind(['nosuchif0', 0]); } finally { s.close(); } },
  ['OSError', 'ENODEV', '[Errno 19] No such device'], ["s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)\ntry: s.bind(('nosuchif0', 0))\nfinally: s.close()", 'OSError']);
needs(socket.AF_PACKET, socket.SOCK_RAW);
bad('AF_PACKET address with a string protocol', () => { const s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0); try { s.bind(['lo', 'x']); } finally { s.close(); } },
  ['TypeError', undefined, '\'str\' object cannot be interpreted as an integer'], ["s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)\ntry: s.bind(('lo', 'x'))\nfinally: s.close()", 'TypeError']);
needs(socket.AF_PACKET, socket.SOCK_RAW);

// ---------------------------------------------------------------------------
section('setsockopt() and getsockopt()');
bad('a string value', (f) => f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 'x' as unknown as number), ['TypeError', undefined, 'setsockopt(): a bytes-like object is required, not \'str\''],
  ["f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 'x')", 'TypeError']);
bad('an unknown option 99999', (f) => f.tcp().setsockopt(socket.SOL_SOCKET, 99_999, 1), ['OSError', 'ENOPROTOOPT', '[Errno 92] Protocol not available'],
  ['f.tcp().setsockopt(socket.SOL_SOCKET, 99999, 1)', 'OSError']);
bad('an unknown level 9999', (f) => f.tcp().setsockopt(9999, 1, 1), ['OSError', 'ENOPROTOOPT', '[Errno 92] Protocol not available'], ['f.tcp().setsockopt(9999, 1, 1)', 'OSError']);
bad('an int value past a C int (2**40)', (f) => f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 40), ['RangeError', undefined, 'setsockopt(): value is out of range for a C int'],
  ['f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2**40)', 'TypeError'], 'Python tries an int it cannot convert as a buffer; here the value is an integer out of range');
bad('an empty buffer for an int option', (f) => f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, buf(0)), ['OSError', 'EINVAL', '[Errno 22] Invalid argument'],
  ["f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, b'')", 'OSError']);
bad('null value without an optlen', (f) => (f.tcp().setsockopt as (...a: unknown[]) => void)(socket.SOL_SOCKET, socket.SO_REUSEADDR, null), ['TypeError', undefined, 'setsockopt(): optlen is required when value is null'],
  ['f.tcp().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None)', 'TypeError']);
bad('a level as a string', (f) => f.tcp().setsockopt('x' as unknown as number, 1, 1), ['TypeError', undefined, 'setsockopt(): level must be an integer, not str'], ["f.tcp().setsockopt('x', 1, 1)", 'TypeError']);
bad('getsockopt buflen -1', (f) => f.tcp().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, -1), ['OSError', undefined, 'getsockopt buflen out of range'],
  ['f.tcp().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, -1)', 'OSError']);
bad('getsockopt buflen 2000 (past 1024)', (f) => f.tcp().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2000), ['OSError', undefined, 'getsockopt buflen out of range'],
  ['f.tcp().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2000)', 'OSError']);
bad('getsockopt of an unknown option', (f) => f.tcp().getsockopt(socket.SOL_SOCKET, 99_999), ['OSError', 'ENOPROTOOPT', '[Errno 92] Protocol not available'],
  ['f.tcp().getsockopt(socket.SOL_SOCKET, 99999)', 'OSError']);
bad('getsockopt with a string level', (f) => f.tcp().getsockopt('x' as unknown as number, 1), ['TypeError', undefined, 'getsockopt(): level must be an integer, not str'], ["f.tcp().getsockopt('x', 1)", 'TypeError']);
bad('setsockopt on a closed socket', (f) => f.closed().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'],
  ['f.closed().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)', 'OSError']);
bad('TCP_NODELAY on a UDP socket', (f) => f.udp().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), ['OSError', 'ENOPROTOOPT', '[Errno 92] Protocol not available'],
  ['f.udp().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)', 'OSError']);

// ---------------------------------------------------------------------------
section('Timeouts and modes');
bad('settimeout(-1)', (f) => f.tcp().settimeout(-1), ['RangeError', undefined, 'Timeout value out of range'], ['f.tcp().settimeout(-1)', 'ValueError']);
bad("settimeout('1')", (f) => f.tcp().settimeout('1' as unknown as number), ['TypeError', undefined, 'Timeout value must be a number or null, not str'], ["f.tcp().settimeout('1')", 'TypeError']);
bad('settimeout(NaN)', (f) => f.tcp().settimeout(NaN), ['RangeError', undefined, 'Invalid value NaN (not a number)'], ["f.tcp().settimeout(float('nan'))", 'ValueError']);
bad('settimeout(Infinity)', (f) => f.tcp().settimeout(Infinity), ['RangeError', undefined, 'timeout doesn\'t fit into C timeval'], ["f.tcp().settimeout(float('inf'))", 'OverflowError']);
bad('setdefaulttimeout(-1)', () => socket.setdefaulttimeout(-1), ['RangeError', undefined, 'Timeout value out of range'], ['socket.setdefaulttimeout(-1)', 'ValueError']);
bad("setdefaulttimeout('x')", () => socket.setdefaulttimeout('x' as unknown as number), ['TypeError', undefined, 'Timeout value must be a number or null, not str'], ["socket.setdefaulttimeout('x')", 'TypeError']);
bad('recv past its timeout', (f) => { const [a] = f.pair(); a.settimeout(0.01); a.recv(1); }, ['TimeoutError', undefined, 'timed out'],
  ['a, b = f.pair(); a.settimeout(0.01); a.recv(1)', 'TimeoutError']);
bad('accept on a non-blocking listener with none pending', (f) => { const l = f.listener(); l.setblocking(false); l.accept(); }, ['BlockingIOError', 'EAGAIN', '[Errno 11] Resource temporarily unavailable'],
  ['l = f.listener(); l.setblocking(False); l.accept()', 'BlockingIOError']);
bad('recv on a non-blocking socket with no data', (f) => { const [a] = f.pair(); a.setblocking(false); a.recv(1); }, ['BlockingIOError', 'EAGAIN', '[Errno 11] Resource temporarily unavailable'],
  ['a, b = f.pair(); a.setblocking(False); a.recv(1)', 'BlockingIOError']);
bad('async recv past its timeout', (f) => { const [a] = f.pair(); a.settimeout(0.01); return a.async.recv(1); }, ['TimeoutError', undefined, 'timed out']);
bad('async recv with an aborted signal', (f) => { const [a] = f.pair(); return a.async.recv(1, { signal: AbortSignal.abort() }); }, ['AbortError', 'ABORT_ERR', 'The operation was aborted']);
bad('async recv with a string for the signal', (f) => { const [a] = f.pair(); return a.async.recv(1, { signal: 'x' as unknown as AbortSignal }); }, ['TypeError', undefined, 'recv(): options.signal must be an AbortSignal, not str']);

// ---------------------------------------------------------------------------
section('Buffers and sizes');
bad('send of a string', (f) => f.pair()[0].send('x' as unknown as Buffer), ['TypeError', undefined, 'send(): a bytes-like object is required, not \'str\''], ["f.pair()[0].send('x')", 'TypeError']);
bad('sendall of a string', (f) => f.pair()[0].sendall('x' as unknown as Buffer), ['TypeError', undefined, 'sendall(): a bytes-like object is required, not \'str\''], ["f.pair()[0].sendall('x')", 'TypeError']);
bad('send of a number', (f) => f.pair()[0].send(5 as unknown as Buffer), ['TypeError', undefined, 'send(): a bytes-like object is required, not \'int\''], ['f.pair()[0].send(5)', 'TypeError']);
bad('send with string flags', (f) => f.pair()[0].send(FOUR, 'x' as unknown as number), ['TypeError', undefined, 'send(): flags must be an integer, not str'],
  ["f.pair()[0].send(b'\\1\\2\\3\\4', 'x')", 'TypeError']);
bad('recv(-1)', (f) => f.pair()[0].recv(-1), ['RangeError', undefined, 'negative buffersize in recv'], ['f.pair()[0].recv(-1)', 'ValueError']);
bad("recv('x')", (f) => f.pair()[0].recv('x' as unknown as number), ['TypeError', undefined, 'recv(): bufsize must be an integer, not str'], ["f.pair()[0].recv('x')", 'TypeError']);
bad('recv(1.5)', (f) => f.pair()[0].recv(1.5), ['TypeError', undefined, 'recv(): bufsize must be an integer, not float'], ['f.pair()[0].recv(1.5)', 'TypeError']);
bad('recv_into with nbytes -1', (f) => f.pair()[0].recv_into(buf(4), -1), ['RangeError', undefined, 'negative buffersize in recv_into'], ['f.pair()[0].recv_into(bytearray(4), -1)', 'ValueError']);
bad('recv_into with nbytes past the buffer', (f) => f.pair()[0].recv_into(buf(4), 10), ['RangeError', undefined, 'buffer too small for requested bytes'], ['f.pair()[0].recv_into(bytearray(4), 10)', 'ValueError']);
bad('recv_into of a string', (f) => f.pair()[0].recv_into('x' as unknown as Buffer), ['TypeError', undefined, 'recv_into(): argument must be a writable bytes-like object, not str'], ["f.pair()[0].recv_into('x')", 'TypeError']);
bad('recvfrom(-1)', (f) => f.udp().recvfrom(-1), ['RangeError', undefined, 'negative buffersize in recvfrom'], ['f.udp().recvfrom(-1)', 'ValueError']);
bad('recvfrom_into with nbytes past the buffer', (f) => f.udp().recvfrom_into(buf(4), 10), ['RangeError', undefined, 'nbytes is greater than the length of the buffer'], ['f.udp().recvfrom_into(bytearray(4), 10)', 'ValueError']);
bad('recvmsg(-1)', (f) => f.pair()[0].recvmsg(-1), ['RangeError', undefined, 'negative buffer size in recvmsg()'], ['f.pair()[0].recvmsg(-1)', 'ValueError']);
bad('recvmsg with ancbufsize -1', (f) => f.pair()[0].recvmsg(10, -1), ['RangeError', undefined, 'invalid ancillary data buffer length'], ['f.pair()[0].recvmsg(10, -1)', 'ValueError']);
bad('recvmsg_into with a string in the buffer list', (f) => f.pair()[0].recvmsg_into(['x' as unknown as Buffer]), ['TypeError', undefined, 'recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers'],
  ["f.pair()[0].recvmsg_into(['x'])", 'TypeError']);
bad('recvmsg_into with a number for the buffer list', (f) => f.pair()[0].recvmsg_into(5 as unknown as Buffer[]), ['TypeError', undefined, 'recvmsg_into() argument 1 must be an iterable'],
  ['f.pair()[0].recvmsg_into(5)', 'TypeError']);
bad('sendmsg with a string in the buffer list', (f) => f.pair()[0].sendmsg(['x' as unknown as Buffer]), ['TypeError', undefined, 'sendmsg(): a bytes-like object is required, not \'str\''],
  ["f.pair()[0].sendmsg(['x'])", 'TypeError']);
bad('async recv(-1)', (f) => f.pair()[0].async.recv(-1), ['RangeError', undefined, 'negative buffersize in recv']);
bad('async send of a string', (f) => f.pair()[0].async.send('x' as unknown as Buffer), ['TypeError', undefined, 'send(): a bytes-like object is required, not \'str\'']);
bad('async recv_into with nbytes past the buffer', (f) => f.pair()[0].async.recv_into(buf(4), 10), ['RangeError', undefined, 'buffer too small for requested bytes']);

// ---------------------------------------------------------------------------
section('Closed, unconnected and wrong-state sockets');
bad('recv on a closed socket', (f) => f.closed().recv(1), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['f.closed().recv(1)', 'OSError']);
bad('send on a closed socket', (f) => f.closed().send(FOUR), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ["f.closed().send(b'\\1\\2\\3\\4')", 'OSError']);
bad('accept on a closed socket', (f) => f.closed().accept(), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['f.closed().accept()', 'OSError']);
bad('getsockname on a closed socket', (f) => f.closed().getsockname(), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['f.closed().getsockname()', 'OSError']);
bad('listen on a closed socket', (f) => f.closed().listen(), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['f.closed().listen()', 'OSError']);
bad('dup of a closed socket', (f) => f.closed().dup(), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ['f.closed().dup()', 'OSError']);
bad('async recv on a closed socket', (f) => f.closed().async.recv(1), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor']);
bad('async accept on a closed socket', (f) => f.closed().async.accept(), ['OSError', 'EBADF', '[Errno 9] Bad file descriptor']);
bad('recv after detach', (f) => { const s = f.tcp(); socket.close(s.detach()); s.recv(1); }, ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'],
  ['s = f.tcp(); socket.close(s.detach()); s.recv(1)', 'OSError']);
bad('shutdown of an unconnected socket', (f) => f.tcp().shutdown(socket.SHUT_RDWR), ['OSError', 'ENOTCONN', '[Errno 107] Transport endpoint is not connected'], ['f.tcp().shutdown(socket.SHUT_RDWR)', 'OSError']);
bad('shutdown(5)', (f) => f.pair()[0].shutdown(5), ['OSError', 'EINVAL', '[Errno 22] Invalid argument'], ['f.pair()[0].shutdown(5)', 'OSError']);
bad('getpeername of an unconnected socket', (f) => f.tcp().getpeername(), ['OSError', 'ENOTCONN', '[Errno 107] Transport endpoint is not connected'], ['f.tcp().getpeername()', 'OSError']);
bad('listen on a UDP socket', (f) => f.udp().listen(), ['OSError', 'ENOTSUP', '[Errno 95] Operation not supported'], ['f.udp().listen()', 'OSError']);
bad('accept on a socket that is not listening', (f) => f.tcp().accept(), ['OSError', 'EINVAL', '[Errno 22] Invalid argument'], ['f.tcp().accept()', 'OSError']);
bad('send on an unconnected UDP socket', (f) => f.udp().send(FOUR), ['OSError', 'EDESTADDRREQ', '[Errno 89] Destination address required'], ["f.udp().send(b'\\1\\2\\3\\4')", 'OSError']);
bad('send on an unconnected TCP socket', (f) => f.tcp().send(FOUR), ['BrokenPipeError', 'EPIPE', '[Errno 32] Broken pipe'], ["f.tcp().send(b'\\1\\2\\3\\4')", 'BrokenPipeError']);
bad('send after shutdown(SHUT_WR)', (f) => { const [a] = f.pair(); a.shutdown(socket.SHUT_WR); a.send(FOUR); }, ['BrokenPipeError', 'EPIPE', '[Errno 32] Broken pipe'],
  ["a, b = f.pair(); a.shutdown(socket.SHUT_WR); a.send(b'\\1\\2\\3\\4')", 'BrokenPipeError']);
bad("listen('x')", (f) => f.tcp().listen('x' as unknown as number), ['TypeError', undefined, 'listen(): backlog must be an integer, not str'], ["f.tcp().listen('x')", 'TypeError']);
bad('listen(2**40)', (f) => f.tcp().listen(2 ** 40), ['RangeError', undefined, 'listen(): backlog is out of range for a C int'], ['f.tcp().listen(2**40)', 'OverflowError']);

// ---------------------------------------------------------------------------
section('inet_*, byte order');
bad("inet_aton('x')", () => socket.inet_aton('x'), ['OSError', undefined, 'illegal IP address string passed to inet_aton'], ["socket.inet_aton('x')", 'OSError']);
bad('inet_aton(5)', () => socket.inet_aton(5 as unknown as string), ['TypeError', undefined, 'inet_aton() argument must be str, not int'], ['socket.inet_aton(5)', 'TypeError']);
bad('inet_ntoa of 3 bytes', () => socket.inet_ntoa(buf(3)), ['OSError', undefined, 'packed IP wrong length for inet_ntoa'], ["socket.inet_ntoa(b'\\0\\0\\0')", 'OSError']);
bad('inet_ntoa of a string', () => socket.inet_ntoa('abcd' as unknown as Buffer), ['TypeError', undefined, 'inet_ntoa(): a bytes-like object is required, not \'str\''], ["socket.inet_ntoa('abcd')", 'TypeError']);
bad("inet_pton(AF_INET, '1.2.3')", () => socket.inet_pton(socket.AF_INET, '1.2.3'), ['OSError', undefined, 'illegal IP address string passed to inet_pton'], ["socket.inet_pton(socket.AF_INET, '1.2.3')", 'OSError']);
bad("inet_pton(AF_INET6, ':::')", () => socket.inet_pton(socket.AF_INET6, ':::'), ['OSError', undefined, 'illegal IP address string passed to inet_pton'], ["socket.inet_pton(socket.AF_INET6, ':::')", 'OSError']);
bad('inet_pton of an unknown family', () => socket.inet_pton(999, '1.2.3.4'), ['OSError', 'EAFNOSUPPORT', '[Errno 97] Address family not supported by protocol'], ["socket.inet_pton(999, '1.2.3.4')", 'OSError']);
bad('inet_pton of bytes', () => socket.inet_pton(socket.AF_INET, FOUR as unknown as string), ['TypeError', undefined, 'inet_pton() argument must be str, not Buffer'],
  ["socket.inet_pton(socket.AF_INET, b'\\1\\2\\3\\4')", 'TypeError']);
bad('inet_ntop(AF_INET) of 5 bytes', () => socket.inet_ntop(socket.AF_INET, buf(5)), ['RangeError', undefined, 'invalid length of packed IP address string'], ["socket.inet_ntop(socket.AF_INET, b'\\0' * 5)", 'ValueError']);
bad('inet_ntop(AF_INET6) of 4 bytes', () => socket.inet_ntop(socket.AF_INET6, buf(4)), ['RangeError', undefined, 'invalid length of packed IP address string'], ["socket.inet_ntop(socket.AF_INET6, b'\\0' * 4)", 'ValueError']);
bad('inet_ntop of an unknown family', () => socket.inet_ntop(999, buf(4)), ['RangeError', undefined, 'unknown address family 999'], ["socket.inet_ntop(999, b'\\0' * 4)", 'ValueError']);
bad('htons(-1)', () => socket.htons(-1), ['RangeError', undefined, 'htons: can\'t convert negative Python int to C 16-bit unsigned integer'], ['socket.htons(-1)', 'OverflowError']);
bad('htons(70000)', () => socket.htons(70_000), ['RangeError', undefined, 'htons: Python int too large to convert to C 16-bit unsigned integer'], ['socket.htons(70000)', 'OverflowError']);
bad('htonl(2**32)', () => socket.htonl(2 ** 32), ['RangeError', undefined, 'int larger than 32 bits'], ['socket.htonl(2**32)', 'OverflowError']);
bad("ntohs('x')", () => socket.ntohs('x' as unknown as number), ['TypeError', undefined, 'ntohs(): x must be an integer, not str'], ["socket.ntohs('x')", 'TypeError']);
bad('ntohl(1.5)', () => socket.ntohl(1.5), ['TypeError', undefined, 'ntohl(): x must be an integer, not float'], ['socket.ntohl(1.5)', 'TypeError']);

// ---------------------------------------------------------------------------
section('Name services and interfaces');
bad('getaddrinfo of an unknown service', () => socket.getaddrinfo('127.0.0.1', 'no-such-service-x'), ['gaierror', 'EAI_SERVICE', '[Errno -8] Servname not supported for ai_socktype'],
  ["socket.getaddrinfo('127.0.0.1', 'no-such-service-x')", 'gaierror']);
bad('getaddrinfo with family 999', () => socket.getaddrinfo('127.0.0.1', 80, 999), ['gaierror', 'EAI_FAMILY', '[Errno -6] ai_family not supported'], ["socket.getaddrinfo('127.0.0.1', 80, 999)", 'gaierror']);
bad('getaddrinfo(null, null)', () => socket.getaddrinfo(null, null), ['gaierror', 'EAI_NONAME', '[Errno -2] Name or service not known'], ['socket.getaddrinfo(None, None)', 'gaierror']);
bad('getaddrinfo with flags 0x7fff0000', () => socket.getaddrinfo('127.0.0.1', 80, 0, 0, 0, 0x7fff0000), ['gaierror', 'EAI_BADFLAGS', '[Errno -1] Bad value for ai_flags'],
  ["socket.getaddrinfo('127.0.0.1', 80, 0, 0, 0, 0x7fff0000)", 'gaierror']);
bad('getaddrinfo with a number for the host', () => socket.getaddrinfo(123 as unknown as string, 80), ['TypeError', undefined, 'getaddrinfo() argument 1 must be string or None'],
  ['socket.getaddrinfo(123, 80)', 'TypeError']);
bad('getaddrinfo with port 1.5', () => socket.getaddrinfo('127.0.0.1', 1.5), ['OSError', undefined, 'Int or String expected'], ["socket.getaddrinfo('127.0.0.1', 1.5)", 'OSError']);
bad('getaddrinfo of a name with AI_NUMERICHOST', () => socket.getaddrinfo('localhost', 80, 0, 0, 0, socket.AI_NUMERICHOST), ['gaierror', 'EAI_NONAME', '[Errno -2] Name or service not known'],
  ["socket.getaddrinfo('localhost', 80, 0, 0, 0, socket.AI_NUMERICHOST)", 'gaierror']);
bad('getaddrinfo with socket type 999', () => socket.getaddrinfo('127.0.0.1', 80, 0, 999), ['gaierror', 'EAI_SOCKTYPE', '[Errno -7] ai_socktype not supported'],
  ["socket.getaddrinfo('127.0.0.1', 80, 0, 999)", 'gaierror']);
bad('async getaddrinfo(null, null)', () => socket.async.getaddrinfo(null, null), ['gaierror', 'EAI_NONAME', '[Errno -2] Name or service not known']);
bad('getnameinfo of a one-element address', () => socket.getnameinfo(['127.0.0.1'], 0), ['TypeError', undefined, 'getnameinfo(): illegal sockaddr argument'], ["socket.getnameinfo(('127.0.0.1',), 0)", 'TypeError']);
bad('getnameinfo with string flags', () => socket.getnameinfo(['127.0.0.1', 80], 'x' as unknown as number), ['TypeError', undefined, 'getnameinfo(): flags must be an integer, not str'],
  ["socket.getnameinfo(('127.0.0.1', 80), 'x')", 'TypeError']);
bad('getservbyname of an unknown service', () => socket.getservbyname('no-such-service-x'), ['OSError', undefined, 'service/proto not found'],
  ["socket.getservbyname('no-such-service-x')", 'OSError']);
bad('getservbyport(70000)', () => socket.getservbyport(70_000), ['RangeError', undefined, 'getservbyport: port must be 0-65535.'], ['socket.getservbyport(70000)', 'OverflowError']);
bad('getprotobyname of an unknown protocol', () => socket.getprotobyname('no-such-proto'), ['OSError', undefined, 'protocol not found'], ["socket.getprotobyname('no-such-proto')", 'OSError']);
bad('if_nametoindex of an unknown interface', () => socket.if_nametoindex('nosuchif0'), ['OSError', undefined, 'no interface with this name'], ["socket.if_nametoindex('nosuchif0')", 'OSError']);
bad('if_nametoindex(5)', () => socket.if_nametoindex(5 as unknown as string), ['TypeError', undefined, 'if_nametoindex(): expected str, bytes or os.PathLike object, not int'], ['socket.if_nametoindex(5)', 'TypeError']);
bad('if_indextoname(0)', () => socket.if_indextoname(0), ['OSError', 'ENXIO', '[Errno 6] No such device or address'], ['socket.if_indextoname(0)', 'OSError']);
bad('if_indextoname(-1)', () => socket.if_indextoname(-1), ['RangeError', undefined, 'can\'t convert negative value to unsigned int'], ['socket.if_indextoname(-1)', 'OverflowError']);
bad("if_indextoname('1')", () => socket.if_indextoname('1' as unknown as number), ['TypeError', undefined, 'if_indextoname(): index must be an integer, not str'], ["socket.if_indextoname('1')", 'TypeError']);

// ---------------------------------------------------------------------------
section('makefile()');
/** Writes `data` to a makefile() of a fresh pair, closing the file after (it holds the descriptor). */
function writeTo(f: Fixtures, mode: string, data: unknown): void {
  const file = f.pair()[0].makefile(mode) as unknown as { write(d: unknown): number; close(): void };
  try {
    file.write(data);
  } finally {
    file.close();
  }
}
bad("mode 'x'", (f) => f.pair()[0].makefile('x'), ['RangeError', undefined, 'invalid mode \'x\' (only r, w, b allowed)'], ["f.pair()[0].makefile('x')", 'ValueError']);
bad("mode 'r' unbuffered", (f) => f.pair()[0].makefile('r', 0), ['RangeError', undefined, 'unbuffered streams must be binary'], ["f.pair()[0].makefile('r', 0)", 'ValueError']);
bad('an unknown encoding', (f) => f.pair()[0].makefile('r', { encoding: 'no-such-codec' }), ['RangeError', undefined, 'unknown encoding: no-such-codec'],
  ["f.pair()[0].makefile('r', encoding='no-such-codec')", 'LookupError'], 'LookupError has no JavaScript counterpart');
bad("newline 'x'", (f) => f.pair()[0].makefile('r', { newline: 'x' }), ['RangeError', undefined, 'illegal newline value: "x"'], ["f.pair()[0].makefile('r', newline='x')", 'ValueError']);
bad("write to a 'rb' file", (f) => writeTo(f, 'rb', FOUR), ['UnsupportedOperation', undefined, 'write'],
  ["f.pair()[0].makefile('rb').write(b'\\1\\2\\3\\4')", 'UnsupportedOperation']);
bad("write of bytes to a 'w' text file", (f) => writeTo(f, 'w', FOUR), ['TypeError', undefined, 'write() argument must be str, not Buffer'],
  ["f.pair()[0].makefile('w').write(b'\\1\\2\\3\\4')", 'TypeError']);
bad("write of a string to a 'wb' file", (f) => writeTo(f, 'wb', 'x'), ['TypeError', undefined, 'write(): a bytes-like object is required, not \'str\''],
  ["f.pair()[0].makefile('wb').write('x')", 'TypeError']);
bad('read of a closed file', (f) => { const file = f.pair()[0].makefile('rb') as unknown as { close(): void; read(n: number): unknown }; file.close(); file.read(1); },
  ['RangeError', undefined, 'read of closed file'], ["x = f.pair()[0].makefile('rb'); x.close(); x.read(1)", 'ValueError']);

// ---------------------------------------------------------------------------
section('sendmsg() ancillary data, descriptor passing, CMSG_*');
bad('an ancillary item of two elements', (f) => f.pair()[0].sendmsg([FOUR], [[socket.SOL_SOCKET, socket.SCM_RIGHTS] as never]), ['TypeError', undefined, 'sendmsg(): ancillary data items must be sequences of length 3, not 2'],
  ["f.pair()[0].sendmsg([b'\\1\\2\\3\\4'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS)])", 'TypeError']);
bad('ancillary data as a string', (f) => f.pair()[0].sendmsg([FOUR], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, 'x' as never]]), ['TypeError', undefined, 'sendmsg(): a bytes-like object is required, not \'str\''],
  ["f.pair()[0].sendmsg([b'\\1\\2\\3\\4'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, 'x')])", 'TypeError']);
bad('ancillary list as a string', (f) => f.pair()[0].sendmsg([FOUR], 'x' as never), ['TypeError', undefined, 'sendmsg(): ancillary data items must be sequences of length 3, not str'],
  ["f.pair()[0].sendmsg([b'\\1\\2\\3\\4'], 'x')", 'TypeError']);
bad('SCM_RIGHTS with a descriptor that is not open', (f) => f.pair()[0].sendmsg([FOUR], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.from(new Int32Array([99_999]).buffer)]]),
  ['OSError', 'EBADF', '[Errno 9] Bad file descriptor'], ["import array\nf.pair()[0].sendmsg([b'\\1\\2\\3\\4'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [99999]))])", 'OSError']);
bad('ancillary level as a string', (f) => f.pair()[0].sendmsg([FOUR], [['x' as never, socket.SCM_RIGHTS, FOUR]]), ['TypeError', undefined, 'sendmsg(): cmsg_level must be an integer, not str'],
  ["f.pair()[0].sendmsg([b'\\1\\2\\3\\4'], [('x', socket.SCM_RIGHTS, b'\\1\\2\\3\\4')])", 'TypeError']);
bad('send_fds with a string descriptor', (f) => socket.send_fds(f.pair()[0], [FOUR], ['x' as unknown as number]), ['TypeError', undefined, 'send_fds(): file descriptor must be an integer, not str'],
  ["socket.send_fds(f.pair()[0], [b'\\1\\2\\3\\4'], ['x'])", 'TypeError']);
bad('recv_fds with maxfds -1', (f) => socket.recv_fds(f.pair()[0], 10, -1), ['RangeError', undefined, 'recv_fds(): maxfds must not be negative'], ['socket.recv_fds(f.pair()[0], 10, -1)', 'OverflowError']);
bad('CMSG_LEN(-1)', () => socket.CMSG_LEN(-1), ['RangeError', undefined, 'CMSG_LEN() argument out of range'], ['socket.CMSG_LEN(-1)', 'OverflowError']);
bad('CMSG_LEN(2**62)', () => socket.CMSG_LEN(2 ** 62), ['RangeError', undefined, 'CMSG_LEN() argument out of range'], ['socket.CMSG_LEN(2**62)', 'OverflowError']);
bad('CMSG_SPACE(-1)', () => socket.CMSG_SPACE(-1), ['RangeError', undefined, 'CMSG_SPACE() argument out of range'], ['socket.CMSG_SPACE(-1)', 'OverflowError']);
bad("CMSG_SPACE('x')", () => socket.CMSG_SPACE('x' as unknown as number), ['TypeError', undefined, 'CMSG_SPACE(): length must be an integer, not str'], ["socket.CMSG_SPACE('x')", 'TypeError']);

// ---------------------------------------------------------------------------
section('create_connection() and create_server()');
bad('create_connection to a port nothing listens on', (f) => f.track(socket.create_connection(['127.0.0.1', f.freePort()])), ['ConnectionRefusedError', 'ECONNREFUSED', '[Errno 111] Connection refused'],
  ["f.track(socket.create_connection(('127.0.0.1', f.freePort())))", 'ConnectionRefusedError']);
bad('create_connection of a string address', () => socket.create_connection('x' as unknown as string[]), ['TypeError', undefined, 'create_connection(): address must be an array [host, port], not str'],
  ["socket.create_connection('x')", 'ValueError']);
bad('create_connection with timeout -1', () => socket.create_connection(['127.0.0.1', 9], -1), ['RangeError', undefined, 'Timeout value out of range'],
  ["socket.create_connection(('127.0.0.1', 9), -1)", 'ValueError']);
bad('create_connection with a source port past 65535', (f) => socket.create_connection(f.listener().getsockname() as [string, number], null, ['127.0.0.1', 70_000]),
  ['RangeError', undefined, 'bind(): port must be 0-65535.'], ["socket.create_connection(f.listener().getsockname(), None, ('127.0.0.1', 70000))", 'OverflowError']);
bad('create_connection with all_errors to a closed port', (f) => socket.create_connection(['127.0.0.1', f.freePort()], { all_errors: true }), ['AggregateError', undefined, 'create_connection failed (1 sub-exception)'],
  ["socket.create_connection(('127.0.0.1', f.freePort()), all_errors=True)", 'ExceptionGroup']);
bad('create_server on a port already bound', (f) => socket.create_server(f.listener().getsockname() as [string, number]), ['OSError', 'EADDRINUSE', '[Errno 98] Address already in use (while attempting to bind on address (\'127.0.0.1\', <n>))'],
  ['socket.create_server(f.listener().getsockname())', 'OSError']);
bad('create_server with family 999', () => socket.create_server(['127.0.0.1', 0], { family: 999 }), ['OSError', 'EAFNOSUPPORT', '[Errno 97] Address family not supported by protocol'],
  ["socket.create_server(('127.0.0.1', 0), family=999)", 'OSError']);
bad('create_server with dualstack_ipv6 and AF_INET', () => socket.create_server(['127.0.0.1', 0], { dualstack_ipv6: true }), ['RangeError', undefined, 'dualstack_ipv6 requires AF_INET6 family'],
  ["socket.create_server(('127.0.0.1', 0), dualstack_ipv6=True)", 'ValueError']);
bad("create_server with backlog 'x'", () => socket.create_server(['127.0.0.1', 0], { backlog: 'x' as unknown as number }), ['TypeError', undefined, 'create_server(): backlog must be an integer, not str'],
  ["socket.create_server(('127.0.0.1', 0), backlog='x')", 'TypeError']);
bad('create_server with a string for the options', () => socket.create_server(['127.0.0.1', 0], 'x' as never), ['TypeError', undefined, 'create_server(): options must be an object, not str']);
bad('async create_connection to a port nothing listens on', (f) => socket.async.create_connection(['127.0.0.1', f.freePort()]), ['ConnectionRefusedError', 'ECONNREFUSED', '[Errno 111] Connection refused']);

export const ERROR_CASES: readonly ErrorCase[] = cases;

/** Python's class for each error class of ours beyond equal names (docs/python-mapping.md). */
const PYTHON_COUNTERPARTS: Record<string, readonly string[]> = {
  ValueError: ['RangeError', 'TypeError'],
  OverflowError: ['RangeError'],
  ExceptionGroup: ['AggregateError'],
};

/** Whether our class is Python's under the mapping. */
export function matchesPython(ours: string, python: string): boolean {
  return ours === python || (PYTHON_COUNTERPARTS[python] ?? []).includes(ours);
}

/** The expected message as a pattern (`<n>` matches a number). */
export function messagePattern(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<n>/g, '\\d+')}$`);
}

/** What a thrown value shows in the table: class, code, message. */
export function describeError(e: unknown): { cls: string; code: string | undefined; message: string } {
  if (!(e instanceof Error)) return { cls: typeof e, code: undefined, message: String(e) };
  const code = (e as { code?: unknown }).code;
  return { cls: e.constructor.name, code: typeof code === 'string' ? code : undefined, message: e.message };
}

/** Runs one case: the error it raised (or null if none), with its fixtures released. */
export async function runCase(c: ErrorCase): Promise<unknown> {
  const f = new Fixtures();
  try {
    await c.run(f);
    return null;
  } catch (e) {
    return e ?? new Error('threw nothing');
  } finally {
    f.release();
  }
}

const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/errors.md, rendered from the cases. */
export function renderErrorsDoc(list: readonly ErrorCase[] = ERROR_CASES): string {
  const out: string[] = [
    '# Errors for bad input',
    '',
    'What each bad input gets: the error class, its `code` (the errno or `EAI_*` name, where it',
    'has one) and its message, next to the class Python 3 raises for the same call. Python\'s',
    '`ValueError` becomes `RangeError` or `TypeError` and `OverflowError` becomes `RangeError`',
    '(docs/python-mapping.md); every other class keeps its Python name. A dash in the Python',
    'column: the call has no Python analogue (Promise twins, options objects).',
    '',
    'This file is generated (`npm run gen:errors-doc`) from the cases in',
    '`test/errors-table.cases.ts`; `test/errors-table.test.ts` makes every call, checks the',
    'error against its row, checks the Python column with python3, checks that no descriptor',
    'was left open, and fails when this file differs from the rendering of the cases.',
    '',
    `${list.length} inputs.`,
  ];
  let current = '';
  for (const c of list) {
    if (c.area !== current) {
      current = c.area;
      out.push('', `## ${current}`, '', '| Input | Error | Code | Message | Python |', '|---|---|---|---|---|');
    }
    const py = c.pyClass === null ? '–' : c.pyClass === 'none' ? 'no error' : `\`${c.pyClass}\``;
    const note = c.note === undefined ? '' : ` (${cell(c.note)})`;
    out.push(`| ${cell(c.input)} | \`${c.cls}\` | ${c.code === undefined ? '' : `\`${c.code}\``} | ${cell(c.message)} | ${py}${note} |`);
  }
  out.push('');
  return out.join('\n');
}
