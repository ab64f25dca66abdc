/**
 * The addon loads and works in several worker threads at once, with no state
 * shared between them (DESIGN §4: no global mutable state).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';

checkNoLeaks();

test('eight workers make and use sockets at once, each with its own default timeout (addon in worker threads)', async () => {
  const workers = 8;
  const rounds = 25;
  const runs = Array.from({ length: workers }, (_, id) => runPeer('workers', 'ownSockets', [id, rounds], 60_000));
  // The main thread works at the same time.
  const [a, b] = socket.socketpair();
  try {
    for (let i = 0; i < 50; i++) {
      a.sendall(Buffer.from('main'));
      assert.equal(b.recv(10).toString(), 'main');
    }
  } finally {
    a.close();
    b.close();
  }
  const results = await Promise.all(runs.map((r) => r.done)) as Array<{
    id: number; bytes: number; timeouts: Array<number | null>; defaultAfter: number | null;
  }>;
  for (const [id, r] of results.entries()) {
    assert.equal(r.id, id);
    assert.equal(r.defaultAfter, id + 1, 'no other worker changed this one\'s default timeout');
    assert.ok(r.timeouts.every((t) => t === id + 1), `worker ${id} timeouts ${JSON.stringify(r.timeouts)}`);
    assert.ok(r.bytes > 0);
  }
  assert.equal(socket.getdefaulttimeout(), null, 'the main thread\'s default is untouched');
});

test('four workers and the main thread hammer send/recv at once: the call frame is per environment', async () => {
  const rounds = 3000;
  const runs = Array.from({ length: 4 }, (_, id) => runPeer('workers', 'frameStress', [id + 1, rounds], 60_000));
  // The main thread makes the same framed calls meanwhile, with its own lengths.
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  const into = Buffer.alloc(64);
  try {
    for (let i = 0; i < rounds; i++) {
      const len = 1 + (i % 64);
      const msg = Buffer.alloc(len, i & 0xff);
      assert.equal(a.send(msg), len);
      // Odd rounds read exactly len bytes: up to 32 through the frame's own bytes.
      const got = i % 2 === 0 ? into.subarray(0, b.recv_into(into)) : b.recv(len);
      assert.ok(got.equals(msg), `main round ${i}`);
    }
  } finally {
    a.close();
    b.close();
  }
  const results = await Promise.all(runs.map((r) => r.done)) as Array<{ id: number; checked: number }>;
  for (const [i, r] of results.entries()) assert.deepEqual(r, { id: i + 1, checked: 2 * rounds });
});

test('workers that start and finish one after another leave the addon usable everywhere (per-environment teardown)', async () => {
  const leakers = [runPeer('workers', 'ownSockets', [100, 1]), runPeer('workers', 'ownSockets', [101, 1])];
  const results = await Promise.all(leakers.map((l) => l.done)) as Array<{ defaultAfter: number }>;
  assert.deepEqual(results.map((r) => r.defaultAfter), [101, 102]);
  // The addon is still usable here afterwards.
  const s = socket.socket();
  s.close();
});
