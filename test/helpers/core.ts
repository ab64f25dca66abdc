/**
 * Small fixtures of the core tests: loopback listeners and connected pairs made
 * in one thread (a loopback connect completes in the kernel without accept),
 * and the descriptor flags read from /proc/self/fdinfo.
 */
import { readFileSync } from 'node:fs';
import * as socket from 'bsd-socket';

/** A listening TCP socket on 127.0.0.1 and its port. */
export function listener(family: number = socket.AF_INET, backlog?: number): [socket.Socket, number] {
  const srv = socket.socket(family, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind([family === socket.AF_INET6 ? '::1' : '127.0.0.1', 0]);
  srv.listen(backlog);
  return [srv, (srv.getsockname() as [string, number])[1]];
}

/** [server-side conn, client, listener]: a connected loopback TCP pair. */
export function tcpPair(family: number = socket.AF_INET): [socket.Socket, socket.Socket, socket.Socket] {
  const [srv, port] = listener(family);
  const cli = socket.socket(family, socket.SOCK_STREAM);
  cli.connect([family === socket.AF_INET6 ? '::1' : '127.0.0.1', port]);
  const [conn] = srv.accept();
  return [conn, cli, srv];
}

/** Closes every socket given, ignoring errors (cleanup in finally blocks). */
export function closeAll(...socks: Array<socket.Socket | undefined | null>): void {
  for (const s of socks) {
    try {
      s?.close();
    } catch { /* already closed behind its back */ }
  }
}

/** The open-file flags of `fd` (the 'flags:' octal field of /proc/self/fdinfo). */
export function fdFlags(fd: number): number {
  const m = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  if (!m) throw new Error(`no flags in /proc/self/fdinfo/${fd}`);
  return parseInt(m[1]!, 8);
}

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** Whether the descriptor itself carries O_NONBLOCK. */
export function isNonblocking(fd: number): boolean {
  return (fdFlags(fd) & O_NONBLOCK) !== 0;
}

/** Whether the descriptor is close-on-exec (fdinfo reports FD_CLOEXEC as O_CLOEXEC). */
export function isCloexec(fd: number): boolean {
  return (fdFlags(fd) & O_CLOEXEC) !== 0;
}

/** Milliseconds since `t0` (a performance.now() reading). */
export function since(t0: number): number {
  return performance.now() - t0;
}

/** Runs fn with the default timeout set to t, restoring null afterwards. */
export function withDefaultTimeout<T>(t: number | null, fn: () => T): T {
  socket.setdefaulttimeout(t);
  try {
    return fn();
  } finally {
    socket.setdefaulttimeout(null);
  }
}
