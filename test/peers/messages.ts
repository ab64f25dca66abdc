/** Worker-thread halves of the sendfile and batch tests (run by runPeer). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as socket from 'bsd-socket';

/** Borrows a descriptor of the main thread without ever closing it. */
function borrow<T>(fd: number, body: (s: socket.Socket) => T): T {
  const s = socket.socket(null, null, null, fd);
  try {
    return body(s);
  } finally {
    s.detach();
  }
}

/** Receives until EOF (at most `limit` bytes): the byte count and its SHA-256. */
export function recvAll(fd: number, limit = 64 * 1024 * 1024): { length: number; sha256: string } {
  return borrow(fd, (s) => {
    s.settimeout(30);
    const h = createHash('sha256');
    const buf = Buffer.alloc(256 * 1024);
    let length = 0;
    while (length <= limit) {
      const n = s.recv_into(buf);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      length += n;
    }
    return { length, sha256: h.digest('hex') };
  });
}

/** Sends a file's bytes over a stream socket, then shuts down writing (EOF for the reader). */
export function sendFileContents(fd: number, path: string): number {
  return borrow(fd, (s) => {
    s.settimeout(30);
    const data = readFileSync(path);
    s.sendall(data);
    s.shutdown(socket.SHUT_WR);
    return data.length;
  });
}

/** Sends `count` datagrams of `size` bytes to `port` on 127.0.0.1 with sendto. */
export function sendDatagrams(port: number, count: number, size: number): number {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    const b = Buffer.alloc(size);
    for (let i = 0; i < count; i++) {
      b.writeUInt32BE(i, 0);
      s.sendto(b, ['127.0.0.1', port]);
    }
    return count;
  } finally {
    s.close();
  }
}
