/**
 * Hand-offs between bsd-socket and node:net (DESIGN §5): node:tls and http
 * over a bsd-socket connection, and net sockets/servers taken over.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipUnderBun } from './helpers/runtime.js';

checkNoLeaks();

function listener(): [socket.Socket, number] {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  return [srv, (srv.getsockname() as [string, number])[1]];
}

/** A self-signed certificate for localhost, or the reason there is none. */
function selfSigned(): { key: Buffer; cert: Buffer } | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bsd-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore', timeout: 20_000 });
    return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  } catch (e) {
    return `openssl unavailable or failed: ${(e as Error).message}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('toNetSocket moves a connection to node:net; the bsd-socket side is closed', { skip: skipUnderBun('net.Socket({ fd }) does not adopt an open descriptor (its first write fails: Socket is closed)') }, async () => {
  const [srv, port] = listener();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(['127.0.0.1', port]);
  const [conn] = srv.accept();
  srv.close();
  const ns = socket.toNetSocket(c);
  assert.equal(c.fileno(), -1);
  ns.write('via net');
  assert.equal((await conn.async.recv(100)).toString(), 'via net');
  conn.send(Buffer.from('back'));
  const [d] = await once(ns, 'data') as [Buffer];
  assert.equal(d.toString(), 'back');
  ns.destroy();
  conn.close();
  await once(ns, 'close');
});

test('toNetSocket refuses unconnected, datagram and closed sockets', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assert.throws(() => socket.toNetSocket(s), (e: unknown) => (e as socket.OSError).code === 'ENOTCONN');
  assert.notEqual(s.fileno(), -1, 'a refused hand-off leaves the socket intact');
  s.close();
  assert.throws(() => socket.toNetSocket(s), (e: unknown) => (e as socket.OSError).code === 'EBADF');
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.throws(() => socket.toNetSocket(u), TypeError);
  u.close();
});

test('TLS round trip through node:tls over handed-off bsd-socket connections (client and server)', { skip: skipUnderBun('net.Socket({ fd }) does not adopt an open descriptor (its first write fails: Socket is closed)') }, async (t) => {
  const creds = selfSigned();
  if (typeof creds === 'string') {
    t.skip(creds);
    return;
  }
  const [srv, port] = listener();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const accepted = srv.async.accept();
  await c.async.connect(['127.0.0.1', port]);
  const [conn] = await accepted;
  srv.close();
  const server = new tls.TLSSocket(socket.toNetSocket(conn), { isServer: true, key: creds.key, cert: creds.cert });
  server.on('data', (d: Buffer) => server.write(Buffer.concat([Buffer.from('echo: '), d])));
  server.on('end', () => server.end());
  const client = tls.connect({ socket: socket.toNetSocket(c), ca: creds.cert, servername: 'localhost' });
  await once(client, 'secureConnect');
  assert.equal(client.authorized, true);
  client.write('secret');
  const [reply] = await once(client, 'data') as [Buffer];
  assert.equal(reply.toString(), 'echo: secret');
  client.end();
  await Promise.all([once(client, 'close'), once(server, 'close')]);
});

test('an HTTP request through a handed-off connection to a local node:http server',
  { skip: skipUnderBun('net.Socket({ fd }) does not adopt an open descriptor (the request succeeds without using it, and the descriptor stays open)') }, async () => {
  const server = http.createServer((req, res) => res.end(`hello ${req.url}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await c.async.connect(['127.0.0.1', port]);
  const ns = socket.toNetSocket(c);
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/x', agent: false, createConnection: () => ns }, (res) => {
      let s = '';
      res.setEncoding('utf8').on('data', (d: string) => { s += d; }).on('end', () => resolve(s));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(body, 'hello /x');
  ns.destroy();
  server.close();
  await once(server, 'close');
});

test('fromNetSocket takes over an accepted net.Socket and a listening net.Server', async () => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const gotConn = once(server, 'connection') as Promise<[net.Socket]>;
  const client = net.connect(port, '127.0.0.1');
  const [ns] = await gotConn;
  const s = socket.fromNetSocket(ns);
  assert.equal(s.family, socket.AF_INET);
  assert.equal(s.type, socket.SOCK_STREAM);
  client.write('from net');
  assert.equal((await s.async.recv(100)).toString(), 'from net');
  s.sendall(Buffer.from('from bsd'));
  const [d] = await once(client, 'data') as [Buffer];
  assert.equal(d.toString(), 'from bsd');
  client.destroy();
  s.close();

  const lsock = socket.fromNetSocket(server);
  const c2 = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const acc = lsock.async.accept();
  await c2.async.connect(['127.0.0.1', port]);
  const [conn] = await acc;
  conn.close();
  c2.close();
  lsock.close();
  assert.equal(server.listening, false, 'the net.Server was closed by the take-over');
});

test('fromNetSocket refuses what has no descriptor to take', async () => {
  assert.throws(() => socket.fromNetSocket(new net.Socket()), TypeError);
  assert.throws(() => socket.fromNetSocket({} as net.Socket), TypeError);
});
