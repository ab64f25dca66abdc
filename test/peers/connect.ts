/** Peer halves of the resolver and create_connection/create_server tests (run in a worker by runPeer). */
import * as socket from 'bsd-socket';

/** getaddrinfo in a worker thread: the addon holds no global state. */
export function resolveInWorker(host: string, port: number): unknown {
  return socket.getaddrinfo(host, port);
}

/** Connects to [host, port], sends `text`, reads until EOF, closes; returns what came back. */
export function connectEcho(host: string, port: number, family: number, text: string): string {
  const s = socket.socket(family, socket.SOCK_STREAM);
  try {
    s.settimeout(5);
    s.connect(family === socket.AF_INET6 ? [host, port, 0, 0] : [host, port]);
    s.sendall(Buffer.from(text));
    const chunks: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const b = s.recv(1024);
      if (b.length === 0) break;
      chunks.push(b);
    }
    return Buffer.concat(chunks).toString();
  } finally {
    s.close();
  }
}

/** Accepts one connection on the listening descriptor `fd`, waits `ms`, sends `text`, closes it. */
export function acceptWaitSend(fd: number, ms: number, text: string): void {
  const srv = socket.socket(undefined, undefined, undefined, fd);
  try {
    srv.settimeout(10);
    const [conn] = srv.accept();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    conn.sendall(Buffer.from(text));
    conn.close();
  } finally {
    srv.detach();
  }
}
