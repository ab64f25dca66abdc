// An echo server on the Promise twins, and a few clients, all on one thread.
//
//   npm run build && node .build/examples/echo-async.js
//
// Each connection is one async function: await recv, await sendall. The
// listener, the connections and the clients share the event loop; nothing
// blocks it.

import * as socket from 'bsd-socket';

async function serve(conn: socket.Socket): Promise<void> {
  try {
    for (;;) {
      const data = await conn.async.recv(4096);
      if (data.length === 0) return; // the client closed its side
      await conn.async.sendall(data);
    }
  } finally {
    conn.close();
  }
}

async function main(): Promise<void> {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  const addr = srv.getsockname() as [string, number];
  console.log('echo server on', addr);

  const CLIENTS = 3;
  const server = (async () => {
    for (let i = 0; i < CLIENTS; i++) {
      const [conn, peer] = await srv.async.accept();
      console.log('accepted', peer);
      void serve(conn);
    }
  })();

  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
    using c = await socket.async.create_connection(addr, 5);
    await c.async.sendall(Buffer.from(`hello from client ${i}`));
    console.log('client', i, 'got back:', (await c.async.recv(100)).toString());
  }));
  await server;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
