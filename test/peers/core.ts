/**
 * Peer halves of the core tests (run in a worker thread by runPeer). A
 * descriptor passes as a number: the peer adopts it with socket(fileno) and
 * always detaches it again, so the main thread's object stays the owner.
 */
import { createHash } from 'node:crypto';
import * as socket from 'bsd-socket';
import { sleepSync } from '../helpers/peer.js';

function withFd<T>(fd: number, fn: (s: socket.Socket) => T): T {
  const s = socket.socket(null, null, null, fd);
  try {
    return fn(s);
  } finally {
    s.detach();
  }
}

/** Reads `fd` until EOF (bounded by `timeout` seconds per call); returns the byte count and a SHA-1. */
export function readAll(fd: number, timeout: number): { length: number; sha1: string } {
  return withFd(fd, (s) => {
    s.settimeout(timeout);
    const h = createHash('sha1');
    let length = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const b = s.recv(65536);
      if (b.length === 0) break;
      length += b.length;
      h.update(b);
    }
    return { length, sha1: h.digest('hex') };
  });
}

/** Sleeps `delayMs`, then sends `text` on `fd`. */
export function sendLater(fd: number, delayMs: number, text: string): void {
  sleepSync(delayMs);
  withFd(fd, (s) => s.sendall(Buffer.from(text)));
}

/** Sleeps `delayMs`, then shuts both directions of `fd` down (the other end sees EOF). */
export function shutdownLater(fd: number, delayMs: number): void {
  sleepSync(delayMs);
  withFd(fd, (s) => s.shutdown(socket.SHUT_RDWR));
}

/** Sleeps `delayMs`, then connects a new TCP client to `port` and sends `text`, then closes. */
export function connectLater(port: number, delayMs: number, text: string): void {
  sleepSync(delayMs);
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    s.connect(['127.0.0.1', port]);
    if (text) s.sendall(Buffer.from(text));
  } finally {
    s.close();
  }
}

/** Sleeps `delayMs`, then sends one datagram `text` from a new UDP socket to [host, port]. */
export function sendtoLater(family: number, proto: number, host: string, port: number, delayMs: number, text: string): void {
  sleepSync(delayMs);
  const s = socket.socket(family, socket.SOCK_DGRAM, proto);
  try {
    s.sendto(Buffer.from(text), [host, port]);
  } finally {
    s.close();
  }
}

/** Reads `count` bytes slowly from `fd`: `chunk` bytes every `everyMs`, bounded by `maxMs`. */
export function readSlowly(fd: number, chunk: number, everyMs: number, maxMs: number): number {
  return withFd(fd, (s) => {
    s.settimeout(maxMs / 1000);
    const t0 = performance.now();
    let got = 0;
    while (performance.now() - t0 < maxMs) {
      sleepSync(everyMs);
      let b: Buffer;
      try {
        b = s.recv(chunk);
      } catch {
        break;
      }
      if (b.length === 0) break;
      got += b.length;
    }
    return got;
  });
}

/** Echoes `fd` byte by byte, blocking, until EOF or `limit` bytes (each recv bounded by 10 s); returns the count. */
export function echoStream(fd: number, limit: number): number {
  return withFd(fd, (s) => {
    s.settimeout(10);
    let n = 0;
    while (n < limit) {
      const b = s.recv(1);
      if (b.length === 0) break;
      s.sendall(b);
      n += b.length;
    }
    return n;
  });
}
