/**
 * bsd-socket: Python's `socket` module for Node.js. Every name keeps Python's
 * spelling (DESIGN §2).
 */
export * from './constants.js';
export {
  OSError, error, BlockingIOError, ChildProcessError, ConnectionError, BrokenPipeError,
  ConnectionAbortedError, ConnectionRefusedError, ConnectionResetError, FileExistsError,
  FileNotFoundError, InterruptedError, IsADirectoryError, NotADirectoryError, PermissionError,
  ProcessLookupError, TimeoutError, timeout, herror, gaierror, type OSErrorOptions,
} from './errors.js';
export { Socket, SocketType, socket, socketpair, fromfd, close } from './socket.js';
export { getdefaulttimeout, setdefaulttimeout } from './deadline.js';
export type { Address, SockAddr } from './address.js';
export type { MakefileOptions, SocketFile } from './makefile.js';
export type { AncillaryItem, RecvmsgResult, RecvmsgIntoResult, RecvmmsgResult } from './messages.js';
export type { SocketAsync } from './async/socket-async.js';
import './families.js';
import * as asyncNamespace from './async.js';
export { asyncNamespace as async };
