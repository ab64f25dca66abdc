/**
 * `npm start`: a short tour of bsd-socket on loopback, all with the blocking
 * API. A TCP echo server here with its client in a worker thread, a UDP
 * exchange, a socketpair, and examples/select-server.ts (a selectors echo
 * server in a worker). Prints what happens and exits 0.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as socket from 'bsd-socket';
import { demo as selectServer } from './select-server.js';

const ROUNDS = 3;

function client(port: number): void {
  // The worker's half: connect, send lines, read the echoes back.
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.settimeout(5);
  s.connect(['127.0.0.1', port]);
  for (let i = 0; i < ROUNDS; i++) {
    const msg = Buffer.from(`hello #${i} from a worker thread`);
    s.sendall(msg);
    let got = Buffer.alloc(0);
    while (got.length < msg.length) {
      const part = s.recv(1024);
      if (part.length === 0) break;
      got = Buffer.concat([got, part]);
    }
    parentPort?.postMessage(`client got back: ${got.toString()}`);
  }
  s.shutdown(socket.SHUT_WR);
}

function tcpEcho(): Promise<void> {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  srv.settimeout(10);
  const [, port] = srv.getsockname() as [string, number];
  console.log(`TCP echo server listening: ${String(srv)}`);
  const worker = new Worker(new URL(import.meta.url), { workerData: { port } });
  const finished = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: string) => console.log(`  ${m}`));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
  });
  const [conn, addr] = srv.accept();
  console.log(`  accepted a connection from ${JSON.stringify(addr)}`);
  let echoed = 0;
  for (let i = 0; i < 100; i++) {
    const data = conn.recv(4096);
    if (data.length === 0) break;
    conn.sendall(data);
    echoed += data.length;
  }
  conn.close();
  console.log(`  server echoed ${echoed} bytes, then saw EOF`);
  return finished;
}

function udpExchange(): void {
  using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  a.bind(['127.0.0.1', 0]);
  b.bind(['127.0.0.1', 0]);
  b.settimeout(2);
  a.sendto(Buffer.from('a datagram'), b.getsockname());
  const [data, from] = b.recvfrom(1500);
  console.log(`UDP: received '${data.toString()}' from ${JSON.stringify(from)}`);
}

function pair(): void {
  const [x, y] = socket.socketpair();
  try {
    x.sendall(Buffer.from('ping'));
    console.log(`socketpair: ${String(x)}`);
    console.log(`  y received '${y.recv(16).toString()}'`);
    y.sendall(Buffer.from('pong'));
    console.log(`  x received '${x.recv(16).toString()}'`);
  } finally {
    x.close();
    y.close();
  }
  using unconnected = socket.socket();
  try {
    unconnected.recv(1);
  } catch (e) {
    const err = e as socket.OSError;
    console.log(`errors are Python's: ${err.name}: ${err.message} (errno ${err.errno}, ${err.code})`);
  }
}

if (isMainThread) {
  console.log(`bsd-socket tour (Node ${process.version}, ${process.platform})`);
  await tcpEcho();
  udpExchange();
  pair();
  // examples/select-server.ts: Python's selectors loop, blocking in a worker thread.
  await selectServer();
  console.log('tour finished');
} else {
  client((workerData as { port: number }).port);
}
