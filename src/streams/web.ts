/**
 * A stream socket as a pair of WHATWG streams (ReadableStream and
 * WritableStream of Uint8Array), on the Promise twins. Backpressure: the
 * readable side pulls one recv at a time, only when its queue has room; the
 * writable side resolves a write once the kernel took every byte.
 */
import type { Socket } from '../socket.js';
import { SHUT_RD, SHUT_WR } from '../constants.js';
import { checkStreamSocket } from './common.js';

export interface WebStreamsOptions {
  /** Bytes asked of each recv (default 65536). */
  readSize?: number;
  /** Chunks the readable side may hold before it stops pulling (default 1). */
  readableHighWaterMark?: number;
}

export interface SocketWebStreams {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}

/**
 * Web streams over a connected stream socket, which they own from then on:
 * closing the writable side shuts the write half down, cancelling the
 * readable side shuts the read half down, and the socket is closed once both
 * sides are finished (closed, cancelled, errored or aborted).
 * @syscall recv(2), send(2) through the twins; shutdown(2); close(2) when both sides are done
 * @throws {TypeError} not a SOCK_STREAM socket · {OSError} EBADF closed
 */
export function toWebStreams(sock: Socket, options: WebStreamsOptions = {}): SocketWebStreams {
  checkStreamSocket('toWebStreams', sock);
  const readSize = options.readSize ?? 65536;
  if (!Number.isInteger(readSize) || readSize <= 0) throw new RangeError('toWebStreams(): readSize must be a positive integer');
  const stop = new AbortController();
  let open = 2;
  const finished = (): void => {
    if (--open === 0) {
      stop.abort();
      sock.close();
    }
  };
  const quietly = (how: number): void => {
    try {
      sock.shutdown(how);
    } catch { /* already shut down, or the peer went away: nothing to tell */ }
  };
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      let chunk: Buffer;
      try {
        chunk = await sock.async.recv(readSize, { signal: stop.signal });
      } catch (e) {
        controller.error(e);
        finished();
        return;
      }
      if (chunk.length === 0) {
        controller.close();
        finished();
      } else {
        controller.enqueue(chunk);
      }
    },
    cancel(): void {
      quietly(SHUT_RD);
      finished();
    },
  }, { highWaterMark: options.readableHighWaterMark ?? 1 });
  const writable = new WritableStream<Uint8Array>({
    async write(chunk): Promise<void> {
      try {
        await sock.async.sendall(chunk, { signal: stop.signal });
      } catch (e) {
        finished();
        throw e;
      }
    },
    close(): void {
      quietly(SHUT_WR);
      finished();
    },
    abort(): void {
      quietly(SHUT_WR);
      finished();
    },
  }, { highWaterMark: 1 });
  return { readable, writable };
}
