/**
 * A single-threaded echo server on bsd-socket/selectors, the way it is
 * written in Python: non-blocking sockets, one DefaultSelector (epoll on
 * Linux), and a loop that blocks in sel.select(). Blocking is right here
 * because the server runs in a worker thread: the main thread's event loop
 * stays free (it runs the clients below with the Promise twins).
 *
 *   node .build/examples/select-server.js       runs the demo and exits 0
 *
 * `serveForever` is the whole server; bench/drivers/echo-select.ts runs the
 * same function against 100 clients (docs/select.md).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as socket from 'bsd-socket';
import { DefaultSelector, EVENT_READ, EVENT_WRITE, type BaseSelector, type SelectorKey } from 'bsd-socket/selectors';

/** Per connection: bytes received that the peer's socket buffer has not taken yet. */
interface Conn {
  sock: socket.Socket;
  pending: Buffer[];
}

/**
 * Accepts and echoes on `srv` until `stop` (a socket) becomes readable.
 * Returns how many connections it served.
 */
export function serveForever(srv: socket.Socket, stop: socket.Socket | null = null): number {
  srv.setblocking(false);
  const sel: BaseSelector = new DefaultSelector();
  let served = 0;
  try {
    sel.register(srv, EVENT_READ, 'accept');
    if (stop !== null) sel.register(stop, EVENT_READ, 'stop');
    for (;;) {
      for (const [key, events] of sel.select()) {
        if (key.data === 'stop') return served;
        if (key.data === 'accept') {
          served += accept(sel, srv);
          continue;
        }
        const c = key.data as Conn;
        if (events & EVENT_READ) read(sel, key, c);
        if ((events & EVENT_WRITE) && c.sock.fileno() >= 0) flush(sel, c);
      }
    }
  } finally {
    for (const key of [...sel.get_map()!.values()]) {
      if (typeof key.data === 'object' && key.data !== null) (key.data as Conn).sock.close();
    }
    sel.close();
  }
}

function accept(sel: BaseSelector, srv: socket.Socket): number {
  let n = 0;
  // Take every connection waiting: the listening socket is level-triggered.
  for (;;) {
    let conn: socket.Socket;
    try {
      [conn] = srv.accept();
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return n;
      throw e;
    }
    conn.setblocking(false);
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    sel.register(conn, EVENT_READ, { sock: conn, pending: [] } satisfies Conn);
    n++;
  }
}

function read(sel: BaseSelector, key: SelectorKey, c: Conn): void {
  let data: Buffer;
  try {
    data = c.sock.recv(4096);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return;
    data = Buffer.alloc(0); // a reset: the connection is over
  }
  if (data.length === 0) {
    sel.unregister(key.fileobj);
    c.sock.close();
    return;
  }
  c.pending.push(data);
  flush(sel, c);
}

/** Sends what is pending; waits for EVENT_WRITE only while something is left. */
function flush(sel: BaseSelector, c: Conn): void {
  while (c.pending.length > 0) {
    const head = c.pending[0]!;
    let sent: number;
    try {
      sent = c.sock.send(head);
    } catch (e) {
      if (e instanceof socket.BlockingIOError) break;
      sel.unregister(c.sock);
      c.sock.close();
      return;
    }
    if (sent === head.length) c.pending.shift();
    else c.pending[0] = head.subarray(sent);
  }
  const want = c.pending.length > 0 ? EVENT_READ | EVENT_WRITE : EVENT_READ;
  if (sel.get_key(c.sock).events !== want) sel.modify(c.sock, want, c);
}

/** The demo: the server in a worker, three clients here on the Promise twins. */
async function demo(): Promise<void> {
  const srv = socket.create_server(['127.0.0.1', 0]);
  const [stopHere, stopThere] = socket.socketpair();
  const port = (srv.getsockname() as [string, number])[1];
  // The worker adopts duplicates of the two descriptors (each thread owns its own).
  const worker = new Worker(new URL(import.meta.url), { workerData: { srv: srv.dup().detach(), stop: stopThere.dup().detach() } });
  srv.close();
  stopThere.close();
  const served = new Promise<number>((resolve, reject) => {
    worker.once('message', (n: number) => resolve(n));
    worker.once('error', reject);
  });
  console.log(`select-server: a DefaultSelector echo server on 127.0.0.1:${port}, in a worker thread`);
  await Promise.all([1, 2, 3].map(async (i) => {
    const c = await socket.async.create_connection(['127.0.0.1', port]);
    try {
      const msg = Buffer.from(`hello from client ${i}`);
      await c.async.sendall(msg);
      let got = Buffer.alloc(0);
      while (got.length < msg.length) {
        const part = await c.async.recv(1024);
        if (part.length === 0) break;
        got = Buffer.concat([got, part]);
      }
      console.log(`  client ${i} got back: ${got.toString()}`);
    } finally {
      c.close();
    }
  }));
  stopHere.send(Buffer.from('stop'));
  console.log(`  the server served ${await served} connections and stopped`);
  stopHere.close();
  await new Promise((r) => worker.once('exit', r));
}

if (isMainThread && process.argv[1] !== undefined && new URL(import.meta.url).pathname === process.argv[1]) {
  await demo();
} else if (!isMainThread && workerData !== null && typeof workerData === 'object' && 'srv' in workerData) {
  const fds = workerData as { srv: number; stop: number };
  using srv = socket.socket(null, null, null, fds.srv);
  using stop = socket.socket(null, null, null, fds.stop);
  parentPort!.postMessage(serveForever(srv, stop));
}

export { demo };
