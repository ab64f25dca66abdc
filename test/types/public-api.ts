/**
 * Type-level contract of the public API (DESIGN §2, §3): type-checked by tsc
 * through tsconfig.test.json (test/**), never run as a test (no `.test.` in
 * the name, and every check sits in a function nobody calls). Each
 * `@ts-expect-error` marks a misuse that must not compile: if the API ever
 * accepts it, tsc fails with "Unused '@ts-expect-error' directive".
 */
import * as socket from 'bsd-socket';
import * as asyncMod from 'bsd-socket/async';

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
function expectType<T>(_v: T): void { /* type-level only */ }
function assertTrue<T extends true>(): void { /* type-level only */ }

/** No `any` in a function's parameters or result (one level deep). */
type AnyInFunction<F> = F extends (...args: infer A) => infer R
  ? (true extends IsAny<R> ? true : true extends { [K in keyof A]: IsAny<A[K]> }[number] ? true : false)
  : false;
/** Keys of a module (or prototype) whose value is `any` or a function with `any` in its signature. */
type AnyKeys<T> = { [K in keyof T]: true extends IsAny<T[K]> ? K : true extends AnyInFunction<T[K]> ? K : never }[keyof T];

export function publicApiTypeChecks(): void {
  // ---- no `any` in the public API ---------------------------------------------------------
  assertTrue<Equal<AnyKeys<typeof socket>, never>>();
  assertTrue<Equal<AnyKeys<typeof asyncMod>, never>>();
  assertTrue<Equal<AnyKeys<socket.Socket>, never>>();
  assertTrue<Equal<AnyKeys<socket.Socket['async']>, never>>();

  // ---- construction, aliases -------------------------------------------------------------
  const sock: socket.Socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const sock2: socket.SocketType = new socket.Socket(socket.AF_INET, socket.SOCK_STREAM, 0);
  const sock3: socket.Socket = new socket.SocketType();
  expectType<Disposable>(sock);
  expectType<[socket.Socket, socket.Socket]>(socket.socketpair());
  expectType<socket.Socket>(socket.fromfd(sock.fileno(), socket.AF_INET, socket.SOCK_STREAM));
  // @ts-expect-error family is a number
  socket.socket('AF_INET');

  // ---- read-only properties --------------------------------------------------------------
  expectType<number>(sock.family);
  expectType<number>(sock.type);
  expectType<number>(sock.proto);
  expectType<number | null>(sock.timeout);
  // @ts-expect-error family is read-only
  socket.socket().family = 3;
  // @ts-expect-error type is read-only
  sock.type = 1;
  // @ts-expect-error proto is read-only
  sock.proto = 0;
  // @ts-expect-error timeout is read-only (settimeout sets it)
  sock.timeout = 1;

  // ---- methods: positional optionals, result types ----------------------------------------
  expectType<Buffer>(sock.recv(10));
  expectType<Buffer>(sock.recv(10, socket.MSG_PEEK));
  // @ts-expect-error bufsize is a number
  sock.recv('x');
  // @ts-expect-error flags is a number
  sock.recv(10, 'x');
  // @ts-expect-error recv takes at most bufsize and flags
  sock.recv(10, 0, 0);
  expectType<number>(sock.send(Buffer.from('x')));
  // @ts-expect-error a string is not bytes (DESIGN §2)
  sock.send('x');
  // @ts-expect-error a string is not bytes (DESIGN §2)
  sock.sendall('x');
  expectType<void>(sock.sendall(new Uint8Array(1), 0));
  expectType<number>(sock.recv_into(Buffer.alloc(4), 4, 0));
  expectType<number>(sock.sendto(Buffer.from('x'), ['127.0.0.1', 9]));
  expectType<number>(sock.sendto(Buffer.from('x'), 0, ['127.0.0.1', 9]));
  const [conn, addr] = sock.accept();
  expectType<socket.Socket>(conn);
  expectType<socket.SockAddr>(addr);
  expectType<number>(sock.connect_ex(['127.0.0.1', 9]));
  expectType<number | null>(sock.gettimeout());
  sock.settimeout(null);
  sock.settimeout(2.5);
  // @ts-expect-error timeouts are seconds or null
  sock.settimeout('2');
  expectType<boolean>(sock.getblocking());
  expectType<socket.RecvmsgResult>(sock.recvmsg(10, socket.CMSG_SPACE(4), 0));
  expectType<number>(sock.sendmsg([Buffer.from('x')], [], 0));
  expectType<number>(sock.detach());
  sock.shutdown(socket.SHUT_RDWR);
  sock[Symbol.dispose]();

  // ---- makefile: the options object in place of buffering ---------------------------------
  expectType<socket.TextIOWrapper>(sock.makefile('r', { encoding: 'utf-8' }));
  expectType<socket.TextIOWrapper>(sock.makefile({ encoding: 'utf-8' }));
  expectType<socket.TextIOWrapper>(sock.makefile('r', null, { newline: '' }));
  expectType<socket.SocketIO>(sock.makefile('rb', 0));
  expectType<socket.BufferedReader>(sock.makefile('rb'));
  // @ts-expect-error encoding is a string
  sock.makefile('r', { encoding: 8 });
  // @ts-expect-error buffering is a number or null
  sock.makefile('r', 'x');

  // ---- create_server / create_connection --------------------------------------------------
  expectType<socket.Socket>(socket.create_server(['', 8080], { reuse_port: true }));
  expectType<socket.Socket>(socket.create_server(['', 8080], { family: socket.AF_INET6, dualstack_ipv6: true, backlog: 5 }));
  // @ts-expect-error reuse_port is a boolean
  socket.create_server(['', 8080], { reuse_port: 'yes' });
  expectType<socket.Socket>(socket.create_connection(['localhost', 80], { all_errors: true }));
  expectType<socket.Socket>(socket.create_connection(['localhost', 80], 5, { all_errors: true }));
  expectType<socket.Socket>(socket.create_connection(['localhost', 80], 5, null, { all_errors: true }));
  // @ts-expect-error all_errors is a boolean
  socket.create_connection(['localhost', 80], { all_errors: 1 });

  // ---- the async twins --------------------------------------------------------------------
  const signal = new AbortController().signal;
  expectType<Promise<Buffer>>(sock.async.recv(10));
  expectType<Promise<Buffer>>(sock.async.recv(10, { signal }));
  expectType<Promise<Buffer>>(sock.async.recv(10, 0, { signal }));
  // @ts-expect-error bufsize is a number, as in the sync method
  sock.async.recv('x');
  // @ts-expect-error signal is an AbortSignal
  sock.async.recv(10, { signal: 'x' });
  // @ts-expect-error a string is not bytes
  sock.async.send('x');
  expectType<Promise<[socket.Socket, socket.SockAddr]>>(sock.async.accept({ signal }));
  expectType<Promise<void>>(sock.async.connect(['127.0.0.1', 80], { signal }));
  expectType<Promise<number>>(sock.async.connect_ex(['127.0.0.1', 80]));
  expectType<Promise<number>>(sock.async.recv_into(Buffer.alloc(4), { signal }));
  expectType<Promise<number>>(sock.async.recv_into(Buffer.alloc(4), 4, { signal }));
  expectType<Promise<number>>(sock.async.recv_into(Buffer.alloc(4), 4, 0, { signal }));
  expectType<Promise<[Buffer, socket.SockAddr]>>(sock.async.recvfrom(10, { signal }));
  expectType<Promise<[number, socket.SockAddr]>>(sock.async.recvfrom_into(Buffer.alloc(4), { signal }));
  expectType<Promise<number>>(sock.async.send(Buffer.from('x'), { signal }));
  expectType<Promise<void>>(sock.async.sendall(Buffer.from('x'), 0, { signal }));
  expectType<Promise<number>>(sock.async.sendto(Buffer.from('x'), ['127.0.0.1', 9], { signal }));
  expectType<Promise<socket.RecvmsgResult>>(sock.async.recvmsg(10, { signal }));
  expectType<Promise<socket.RecvmsgIntoResult>>(sock.async.recvmsg_into([Buffer.alloc(4)], { signal }));
  expectType<Promise<number>>(sock.async.sendmsg([Buffer.from('x')], { signal }));
  expectType<Promise<number>>(sock.async.sendmsg([Buffer.from('x')], null, { signal }));
  expectType<Promise<number>>(sock.async.sendmsg([Buffer.from('x')], [], 0, { signal }));
  expectType<Promise<number>>(sock.async.sendmsg([Buffer.from('x')], [], 0, ['127.0.0.1', 9], { signal }));
  expectType<Promise<socket.RecvmsgResult>>(sock.async.recvmsg(10, 64, { signal }));
  expectType<Promise<socket.RecvmsgResult>>(sock.async.recvmsg(10, 64, 0, { signal }));
  expectType<Promise<socket.RecvmsgIntoResult>>(sock.async.recvmsg_into([Buffer.alloc(4)], 64, { signal }));
  expectType<Promise<number>>(sock.async.sendmmsg([[Buffer.from('x')]], 0, { signal }));
  expectType<Promise<socket.RecvmmsgResult>>(sock.async.recvmmsg(4, 1500, 0, { signal }));
  expectType<Promise<number>>(sock.async.sendfile(0, 0, null, { signal }));
  expectType<Promise<[number, socket.SockAddr]>>(sock.async.recvfrom_into(Buffer.alloc(4), 4, { signal }));
  expectType<Promise<number>>(sock.async.sendfile(0, { signal }));
  expectType<Promise<number>>(sock.async.sendmmsg([[Buffer.from('x'), ['127.0.0.1', 9]]], { signal }));
  expectType<Promise<socket.RecvmmsgResult>>(sock.async.recvmmsg(4, 1500, { signal }));

  // ---- module twins: socket.async and bsd-socket/async are the same -----------------------
  assertTrue<Equal<typeof socket.async.getaddrinfo, typeof asyncMod.getaddrinfo>>();
  assertTrue<Equal<typeof socket.async.create_connection, typeof asyncMod.create_connection>>();
  expectType<Promise<socket.AddrInfo[]>>(socket.async.getaddrinfo('example.org', 443));
  expectType<Promise<socket.AddrInfo[]>>(asyncMod.getaddrinfo('example.org', 443, { signal }));
  expectType<Promise<socket.AddrInfo[]>>(asyncMod.getaddrinfo('example.org', 443, socket.AF_INET, { signal }));
  expectType<Promise<[string, string]>>(asyncMod.getnameinfo(['127.0.0.1', 80], 0, { signal }));
  expectType<Promise<string>>(asyncMod.gethostbyname('localhost', { signal }));
  expectType<Promise<socket.HostEntry>>(asyncMod.gethostbyname_ex('localhost'));
  expectType<Promise<socket.HostEntry>>(asyncMod.gethostbyaddr('127.0.0.1'));
  expectType<Promise<string>>(asyncMod.getfqdn({ signal }));
  expectType<Promise<socket.Socket>>(asyncMod.create_connection(['localhost', 80], { all_errors: true, signal }));
  // @ts-expect-error the port is a number or a service name
  asyncMod.getaddrinfo('example.org', { port: 443 }, socket.AF_INET, 0, 0, 0, { signal });

  // ---- errors -----------------------------------------------------------------------------
  try {
    sock2.connect(['127.0.0.1', 9]);
  } catch (e) {
    if (e instanceof socket.error) {
      expectType<number | null>(e.errno);
      expectType<string | null>(e.strerror);
    }
    if (e instanceof socket.timeout) expectType<socket.TimeoutError>(e);
    if (e instanceof socket.gaierror) expectType<socket.OSError>(e);
    if (e instanceof asyncMod.AbortError) expectType<Error>(e);
  }
  const err: socket.error = new socket.ConnectionRefusedError(111, 'Connection refused');
  expectType<socket.OSError>(err);

  // ---- using ------------------------------------------------------------------------------
  {
    using s = socket.socket();
    expectType<number>(s.fileno());
  }
  sock3.close();
}
