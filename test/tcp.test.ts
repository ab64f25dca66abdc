/** BasicTCPTest (CPython test_socket): a connected TCP pair, the client in a worker. */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';

checkNoLeaks();

const MSG = 'Michael Gilfix was here\u1234\r\n';

function listener(): [socket.Socket, number] {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  return [srv, (srv.getsockname() as [string, number])[1]];
}

test('recv returns what the client sent (test_socket: BasicTCPTest.testRecv)', async () => {
  const [srv, port] = listener();
  const peer = runPeer('tcp', 'connectAndSend', [port, MSG]);
  const [conn] = srv.accept();
  const chunks: Buffer[] = [];
  for (let i = 0; i < 100; i++) {
    const b = conn.recv(1024);
    if (b.length === 0) break;
    chunks.push(b);
  }
  await peer.done;
  assert.equal(Buffer.concat(chunks).toString(), MSG);
  conn.close();
  srv.close();
});
