// Echo server on bsd-socket's Promise twins: the library's row of the echo
// workload (the client is bench/c/echo-client, one C epoll program for all).
//
//   node echo-bsd.js       listens on 127.0.0.1:0, prints "PORT <n>", echoes until killed
//
// One async function per connection: await recv(4096), await sendall(data).

import * as socket from 'bsd-socket';

async function serve(conn: socket.Socket): Promise<void> {
  try {
    for (;;) {
      const data = await conn.async.recv(4096);
      if (data.length === 0) return;
      await conn.async.sendall(data);
    }
  } catch {
    // a client reset: the connection is over
  } finally {
    conn.close();
  }
}

async function main(): Promise<void> {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen(1024);
  process.stdout.write(`PORT ${(srv.getsockname() as [string, number])[1]}\n`);
  for (;;) {
    const [conn] = await srv.async.accept();
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    void serve(conn);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`echo-bsd: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
