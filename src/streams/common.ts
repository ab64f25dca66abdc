/** Checks shared by the stream views and the node:net hand-off. */
import type { Socket } from '../socket.js';
import { SOCK_STREAM } from '../constants.js';
import { kFd } from '../internal.js';

/** A open SOCK_STREAM socket, or a TypeError / OSError EBADF naming `caller`. */
export function checkStreamSocket(caller: string, sock: Socket): number {
  if (sock === null || typeof sock !== 'object' || typeof sock.fileno !== 'function') {
    throw new TypeError(`${caller}(): a bsd-socket Socket is required`);
  }
  const fd = sock[kFd](caller);
  if (sock.type !== SOCK_STREAM) throw new TypeError(`${caller}(): a SOCK_STREAM socket is required`);
  return fd;
}
