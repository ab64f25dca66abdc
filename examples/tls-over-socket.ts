// A TLS client and server, both over bsd-socket sockets handed to node:tls.
//
//   npm run build && node .build/examples/tls-over-socket.js
//
// The certificate is self-signed and made at run time with `openssl` (the
// example says so and stops when openssl is missing). The server accepts
// with bsd-socket, hands the connection to node:net (toNetSocket) and wraps
// it in a server-side TLSSocket; the client connects with bsd-socket and
// hands its connection to tls.connect({ socket }).

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import * as socket from 'bsd-socket';

function selfSigned(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bsd-tls-example-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const creds = selfSigned();
  if (creds === null) {
    console.log('skipped: openssl is not available to make a self-signed certificate');
    return;
  }
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  const addr = srv.getsockname() as [string, number];

  const serverSide = (async () => {
    const [conn] = await srv.async.accept();
    srv.close();
    const tlsServer = new tls.TLSSocket(socket.toNetSocket(conn), { isServer: true, key: creds.key, cert: creds.cert });
    tlsServer.on('data', (d: Buffer) => tlsServer.end(`server got "${d.toString()}" over ${tlsServer.getProtocol() ?? '?'}`));
    await once(tlsServer, 'close');
  })();

  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await c.async.connect(addr);
  const client = tls.connect({ socket: socket.toNetSocket(c), ca: creds.cert, servername: 'localhost' });
  await once(client, 'secureConnect');
  console.log('client: certificate verified:', client.authorized);
  client.write('hello over TLS');
  let reply = '';
  client.setEncoding('utf8').on('data', (d: string) => { reply += d; });
  await once(client, 'end');
  console.log('client:', reply);
  client.end();
  await serverSide;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
