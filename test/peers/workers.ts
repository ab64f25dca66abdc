/** Work that each of several concurrent worker threads does on its own (worker-threads.test). */
import * as socket from 'bsd-socket';

/**
 * Sets its own default timeout, makes sockets of several kinds, moves data
 * through them, and reports what it saw. Nothing is shared with other workers.
 */
export function ownSockets(id: number, rounds: number): { id: number; bytes: number; timeouts: Array<number | null>; defaultAfter: number | null } {
  socket.setdefaulttimeout(id + 1);
  let bytes = 0;
  const timeouts: Array<number | null> = [];
  for (let i = 0; i < rounds; i++) {
    const [a, b] = socket.socketpair();
    timeouts.push(a.gettimeout());
    const msg = Buffer.from(`worker ${id} round ${i}`);
    a.sendall(msg);
    const got = b.recv(1024);
    if (!got.equals(msg)) throw new Error(`worker ${id}: got ${got.toString()}`);
    bytes += got.length;
    a.close();
    b.close();

    const srv = socket.socket();
    srv.bind(['127.0.0.1', 0]);
    srv.listen();
    const cli = socket.socket();
    cli.connect(srv.getsockname() as [string, number]);
    const [conn] = srv.accept();
    timeouts.push(conn.gettimeout());
    cli.sendall(msg);
    bytes += conn.recv(1024).length;
    for (const s of [conn, cli, srv]) s.close();

    const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(['127.0.0.1', 0]);
    u.sendto(msg, u.getsockname());
    bytes += u.recvfrom(1024)[0].length;
    u.close();
  }
  return { id, bytes, timeouts, defaultAfter: socket.getdefaulttimeout() };
}

/**
 * Many small send/recv/recv_into/sendto/recvfrom_into calls whose lengths and
 * bytes depend on the round (1-60 bytes: both sides of the frame's 32 data
 * bytes), each checked: the call frame is per environment, so threads doing
 * this at once never see each other's descriptors, lengths or bytes.
 */
export function frameStress(id: number, rounds: number): { id: number; checked: number } {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const into = Buffer.alloc(64);
  let checked = 0;
  try {
    u.bind(['127.0.0.1', 0]);
    const self = u.getsockname();
    for (let i = 0; i < rounds; i++) {
      const len = 1 + ((i * 7 + id) % 60);
      const msg = Buffer.alloc(len, (id * 31 + i) & 0xff);
      if (a.send(msg) !== len) throw new Error(`worker ${id}: short send in round ${i}`);
      // Odd rounds read exactly len bytes, so lengths up to 32 take the frame's
      // own data bytes (recv_small) and the rest the buffer form.
      const got = i % 2 === 0 ? into.subarray(0, b.recv_into(into, 0)) : b.recv(len);
      if (!got.equals(msg)) throw new Error(`worker ${id}: round ${i} got ${got.length} bytes`);
      if (u.sendto(msg, self) !== len) throw new Error(`worker ${id}: short sendto in round ${i}`);
      const [m, from] = u.recvfrom_into(into);
      if (m !== len || !into.subarray(0, m).equals(msg) || JSON.stringify(from) !== JSON.stringify(self)) {
        throw new Error(`worker ${id}: round ${i} recvfrom_into got ${m} bytes from ${JSON.stringify(from)}`);
      }
      checked += 2;
    }
  } finally {
    a.close();
    b.close();
    u.close();
  }
  return { id, checked };
}
