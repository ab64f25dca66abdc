/**
 * A stream socket as a node:stream Duplex, on the Promise twins: reads are
 * `sock.async.recv`, writes `sock.async.sendall`, so backpressure is the
 * kernel's (nothing is read while the readable side is full; a write
 * callback waits until the kernel took every byte).
 */
import { Duplex } from 'node:stream';
import type { Socket } from '../socket.js';
import { SHUT_WR } from '../constants.js';
import { checkStreamSocket } from './common.js';

export interface DuplexOptions {
  /** Bytes asked of each recv (default 65536). */
  readSize?: number;
  /** The Duplex's own buffering on each side, in bytes (Node's default when absent). */
  highWaterMark?: number;
  /** Keep the writable side open after the peer's EOF (default true, as a half-open TCP socket). */
  allowHalfOpen?: boolean;
}

/**
 * A Duplex over a connected stream socket. The Duplex owns the socket from
 * then on: `end()` shuts the write half down (shutdown SHUT_WR), and the
 * socket is closed when the Duplex is destroyed (both halves done, an error,
 * or `destroy()`). Pending reads are cancelled first, so nothing is consumed
 * after destruction.
 * @syscall recv(2), send(2) through the twins; shutdown(2) on end; close(2) on destroy
 * @throws {TypeError} not a SOCK_STREAM socket · {OSError} EBADF closed
 */
export function toDuplex(sock: Socket, options: DuplexOptions = {}): Duplex {
  checkStreamSocket('toDuplex', sock);
  const readSize = options.readSize ?? 65536;
  if (!Number.isInteger(readSize) || readSize <= 0) throw new RangeError('toDuplex(): readSize must be a positive integer');
  const stop = new AbortController();
  const signal = stop.signal;
  let reading = false;
  const d: Duplex = new Duplex({
    allowHalfOpen: options.allowHalfOpen ?? true,
    ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}),
    read(): void {
      if (reading) return;
      reading = true;
      sock.async.recv(readSize, { signal }).then((chunk) => {
        reading = false;
        d.push(chunk.length === 0 ? null : chunk);
      }, (err: unknown) => {
        reading = false;
        if (!signal.aborted) d.destroy(err as Error);
      });
    },
    write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
      sock.async.sendall(chunk, { signal }).then(() => cb(), (e: unknown) => cb(e as Error));
    },
    final(cb: (e?: Error | null) => void): void {
      try {
        sock.shutdown(SHUT_WR);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    destroy(err: Error | null, cb: (e: Error | null) => void): void {
      stop.abort();
      try {
        sock.close();
      } catch (e) {
        err ??= e as Error;
      }
      cb(err);
    },
  });
  return d;
}
