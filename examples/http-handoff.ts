// An HTTP request through a bsd-socket connection handed to node:net.
//
//   npm run build && node .build/examples/http-handoff.js
//
// A local node:http server on 127.0.0.1; the client socket is made and
// connected with bsd-socket (where any option could be set first), then
// toNetSocket() moves it to node:net and http.request() uses it through
// `createConnection`.

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as socket from 'bsd-socket';

async function main(): Promise<void> {
  const server = http.createServer((req, res) => res.end(`hello, you asked for ${req.url ?? ''}\n`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  await s.async.connect(['127.0.0.1', port]);
  const conn = socket.toNetSocket(s); // s is closed now; conn owns a duplicate of its descriptor

  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/handed-off', agent: false, createConnection: () => conn }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve(`${res.statusCode ?? '?'} ${text}`));
    });
    req.on('error', reject);
    req.end();
  });
  process.stdout.write(body);
  conn.destroy();
  server.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
