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
