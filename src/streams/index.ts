/** Interop of stream sockets with Node streams, Web streams and node:net (DESIGN §5). */
export { toDuplex, type DuplexOptions } from './duplex.js';
export { toWebStreams, type WebStreamsOptions, type SocketWebStreams } from './web.js';
export { toNetSocket, fromNetSocket } from './net.js';
