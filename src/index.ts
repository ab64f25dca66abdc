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
export type { OptionBytes } from './socket.js';
export { getdefaulttimeout, setdefaulttimeout } from './deadline.js';
// Name services and network utilities.
export {
  getaddrinfo, getnameinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getfqdn,
  getservbyname, getservbyport, getprotobyname, type AddrInfo, type HostEntry, type HostName, type ResolveOptions,
} from './resolver.js';
export { inet_aton, inet_ntoa, inet_pton, inet_ntop, htons, htonl, ntohs, ntohl } from './inet.js';
export { gethostname, sethostname, if_nameindex, if_nametoindex, if_indextoname } from './interfaces.js';
export {
  create_connection, create_server, has_dualstack_ipv6, has_ipv6,
  type CreateConnectionOptions, type CreateServerOptions,
} from './connect.js';
export type { Address, SockAddr } from './address.js';
export type {
  MakefileOptions, MakefileResult, SocketFile, BinaryFile, BufferedFile, PartialWriteError, TextBuffer,
} from './makefile.js';
export {
  SocketIO, BufferedReader, BufferedWriter, BufferedRWPair, TextIOWrapper, UnsupportedOperation,
  UnicodeDecodeError, UnicodeEncodeError, DEFAULT_BUFFER_SIZE,
} from './makefile.js';
export type { AncillaryItem, RecvmsgResult, RecvmsgIntoResult, RecvmmsgResult } from './messages.js';
export { CMSG_LEN, CMSG_SPACE, send_fds, recv_fds } from './messages.js';
export type { AncillaryInput, MmsgMessage, RecvFdsResult, SendfileFile } from './messages.js';
export * as ancillary from './ancillary.js';
export type { Ucred, InPktinfo, In6Pktinfo, Timeval, Timespec, ExtendedErr, DecodedAncillary } from './ancillary.js';
export type { SocketAsync } from './async/socket-async.js';
import './families.js';
// The other families: netlink messages, CAN frames, AF_ALG
// operations (also `sock.sendmsg_afalg`); `_`-names are internal test hooks.
export * as netlink from './netlink.js';
export { build_can_frame, dissect_can_frame, build_canfd_frame, build_bcm_msg, type BcmHead } from './can.js';
export { sendmsg_afalg, afalgAncillary, type AfalgOptions } from './alg.js';
export { encodeSockaddr as _encodeSockaddr, decodeSockaddr as _decodeSockaddr } from './families.js';
import * as asyncNamespace from './async.js';
// Python's companion modules (DESIGN §3, "Multiplexing"); also the subpaths
// bsd-socket/select and bsd-socket/selectors.
export * as select from './select.js';
export * as selectors from './selectors.js';
export { asyncNamespace as async };
export {
  toDuplex, toWebStreams, toNetSocket, fromNetSocket,
  type DuplexOptions, type WebStreamsOptions, type SocketWebStreams,
} from './streams/index.js';
