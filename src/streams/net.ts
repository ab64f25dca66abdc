/**
 * Hand-offs between bsd-socket and node:net, so that node:tls, http and
 * every library built on net run over a bsd-socket connection, and the
 * reverse. Both directions move the connection: the giver is closed and the
 * receiver owns a duplicate of the descriptor (dup first, so a refusal leaves
 * the giver intact).
 */
import * as net from 'node:net';
import { Socket } from '../socket.js';
import { native } from '../native.js';
import { errnoError } from '../errors.js';
import { checkStreamSocket } from './common.js';

/**
 * A `net.Socket` over a connected stream socket (AF_INET, AF_INET6 or
 * AF_UNIX): `new net.Socket({ fd })` on a duplicate of the descriptor, after
 * which `sock` is closed (its pending twins reject with EBADF). Put it under
 * `tls.connect({ socket })`, `new tls.TLSSocket(netSock, { isServer: true })`,
 * `http.request({ createConnection: () => netSock })`, ...
 * @syscall fcntl(2) F_DUPFD_CLOEXEC, getpeername(2) (must be connected), close(2) of the original
 * @throws {TypeError} not a SOCK_STREAM socket, or a family node:net cannot wrap (ERR_INVALID_FD_TYPE) ·
 *   {OSError} ENOTCONN not connected, EBADF closed, EMFILE
 */
export function toNetSocket(sock: Socket, options: { allowHalfOpen?: boolean } = {}): net.Socket {
  const fd = checkStreamSocket('toNetSocket', sock);
  sock.getpeername(); // ENOTCONN: node:net would take an unconnected socket for a dead one
  const dup = native.dup(fd);
  if (dup < 0) throw errnoError(-dup, 'dup');
  let ns: net.Socket;
  try {
    ns = new net.Socket({ fd: dup, readable: true, writable: true, allowHalfOpen: options.allowHalfOpen ?? false });
  } catch (e) {
    native.close(dup);
    throw e;
  }
  sock.close();
  return ns;
}

interface HasHandle {
  _handle?: { fd?: unknown } | null;
}

/**
 * A bsd-socket Socket taken over from a `net.Socket` (connected, with nothing
 * buffered either way) or a listening `net.Server`. Node exposes the
 * descriptor only as the internal `_handle.fd`; this is the one place that
 * reads it, and it refuses anything else (TLS sockets, sockets still
 * connecting, Windows handles). The net object is destroyed (socket) or
 * closed (server); the returned socket owns a duplicate of the descriptor,
 * with the default timeout applied to it.
 * @syscall fcntl(2) F_DUPFD_CLOEXEC, getsockopt(2) SO_DOMAIN/SO_TYPE/SO_PROTOCOL
 * @throws {TypeError} no usable descriptor · {Error} data buffered in the net.Socket · {OSError} EMFILE
 */
export function fromNetSocket(from: net.Socket | net.Server): Socket {
  const isServer = from instanceof net.Server;
  if (!isServer && !(from instanceof net.Socket)) throw new TypeError('fromNetSocket(): a net.Socket or net.Server is required');
  if (!isServer && (from as net.Socket).connecting) throw new TypeError('fromNetSocket(): the net.Socket is still connecting');
  const handle = (from as unknown as HasHandle)._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    throw new TypeError('fromNetSocket(): no descriptor (closed, not connected or listening, a TLS socket, or not a TCP/pipe handle)');
  }
  if (!isServer) {
    const ns = from as net.Socket;
    ns.pause(); // stops libuv reading (readStop) before anything more is consumed
    if (ns.readableLength > 0 || ns.writableLength > 0) {
      throw new Error('fromNetSocket(): the net.Socket holds buffered data; hand it over before reading or writing');
    }
  }
  const dup = native.dup(fd);
  if (dup < 0) throw errnoError(-dup, 'dup');
  let sock: Socket;
  try {
    sock = new Socket(null, null, null, dup);
    // libuv left O_NONBLOCK on the descriptor: apply the socket's own mode.
    sock.settimeout(sock.gettimeout());
  } catch (e) {
    native.close(dup);
    throw e;
  }
  if (isServer) (from as net.Server).close();
  else (from as net.Socket).destroy();
  return sock;
}
