/**
 * The try-first heuristics of the Promise twins (docs/async.md, "Known-blocked
 * directions skip the try"): a read after a send that is predicted to block
 * waits on the armed, level-triggered watcher instead of trying, so it must
 * still see data that was already waiting, and stay cancellable.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';

checkNoLeaks();

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A pair whose `a` side has learned "reads after a send block" (one read that tried first and waited). */
async function trained(): Promise<[socket.Socket, socket.Socket]> {
  const [a, b] = socket.socketpair();
  const p = a.async.recv(1);
  await delay(5);
  b.send(Buffer.from('x'));
  assert.equal((await p).toString(), 'x');
  return [a, b];
}

test('a read predicted to block still gets data that was already waiting, in order', async () => {
  const [a, b] = await trained();
  try {
    await a.async.sendall(Buffer.from('q'));
    b.send(Buffer.from('yz'));
    assert.equal((await a.async.recv(1)).toString(), 'y');
    assert.equal((await a.async.recv(1)).toString(), 'z');
    assert.equal(b.recv(10).toString(), 'q');
    // many request/response rounds with full reads
    for (let i = 0; i < 50; i++) {
      await a.async.sendall(Buffer.from([i]));
      const echoed = b.async.recv(1).then((d) => b.async.sendall(d));
      assert.deepEqual([...await a.async.recv(1)], [i]);
      await echoed;
    }
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    a.close();
    b.close();
  }
});

test('a read predicted to block can be aborted, time out, and is rejected by close', async () => {
  const [a, b] = await trained();
  try {
    await a.async.sendall(Buffer.from('q'));
    const ac = new AbortController();
    const r = a.async.recv(1, { signal: ac.signal });
    ac.abort();
    await assert.rejects(r, { name: 'AbortError' });
    assert.deepEqual(socket.async.watcherState(a).waiters, { read: 0, write: 0 });
    a.settimeout(0.02);
    await a.async.sendall(Buffer.from('q'));
    await assert.rejects(a.async.recv(1), { name: 'TimeoutError' });
    // nothing was consumed by the withdrawn waiters
    b.send(Buffer.from('k'));
    assert.equal((await a.async.recv(1)).toString(), 'k');
    await a.async.sendall(Buffer.from('q'));
    const r2 = a.async.recv(1);
    a.close();
    await assert.rejects(r2, (e: unknown) => (e as socket.OSError).code === 'EBADF');
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    a.close();
    b.close();
  }
});

/** Ping-pong on one pair in this loop: `rounds` round trips; calls `each(i)` after each. */
async function pingPong(a: socket.Socket, b: socket.Socket, rounds: number, each?: (i: number) => void): Promise<void> {
  const echo = (async () => {
    for (let i = 0; i < rounds; i++) await b.async.sendall(await b.async.recv(1));
  })();
  for (let i = 0; i < rounds; i++) {
    await a.async.sendall(Buffer.from([i & 0xff]));
    assert.deepEqual([...await a.async.recv(1)], [i & 0xff]);
    each?.(i);
  }
  await echo;
}

test('readiness rounds: a pair in one loop is answered without a loop turn per hop, by guessed reads', async () => {
  const [a, b] = socket.socketpair();
  try {
    const before = socket.async.reactorState();
    await pingPong(a, b, 500);
    const after = socket.async.reactorState();
    // Each round trip is two hops; without rounds every hop would need a
    // loop turn (an epoll report). Most hops must come from rounds instead.
    const rounds = after.rounds - before.rounds;
    assert.ok(rounds >= 500, `only ${rounds} of ~1000 hops were answered by a readiness round`);
    // After each hop exactly one socket has a read waiting besides the one
    // just woken (the one whose peer just sent): its read is retried at
    // once, no poll(2) first, and finds its data.
    const guesses = after.guesses - before.guesses;
    assert.ok(guesses >= 500, `only ${guesses} of ~1000 hops were answered by a guess`);
    assert.ok(after.idleRounds - before.idleRounds <= 5, 'guesses in a ping-pong find their data');
    assert.equal(after.pending, 0);
  } finally {
    a.close();
    b.close();
  }
});

test('readiness guesses: two pairs in one loop (two candidates) fall back to poll(2) rounds and stay correct', async () => {
  const [a, b] = socket.socketpair();
  const [c, d] = socket.socketpair();
  try {
    const before = socket.async.reactorState();
    await Promise.all([pingPong(a, b, 300), pingPong(c, d, 300)]);
    const after = socket.async.reactorState();
    // The poller thread (Bun, Deno, BSD_SOCKET_POLLER=thread) has no poll(2)
    // rounds: its deliveries run before the woken continuations (reactor.c),
    // so with two candidates every hop is an epoll report, and only
    // correctness is asserted there.
    if (after.poller === 'uv') assert.ok(after.rounds - before.rounds >= 300, 'poll rounds still answer most hops');
    assert.equal(after.pending, 0);
  } finally {
    for (const s of [a, b, c, d]) s.close();
  }
});

test('readiness guesses: a guess that finds nothing leaves the read to epoll, which still delivers it', async () => {
  // x's data comes late from a worker. Meanwhile y's sendall waits for
  // writability (a slow reader in another worker drains z); after each of
  // those reports (after the rounds' rest of 16 reports at most) x is the only socket with a read waiting, so rounds guess
  // x and find nothing (EAGAIN) until the data really comes.
  const [x, xPeer] = socket.socketpair();
  const [y, z] = socket.socketpair();
  try {
    y.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096);
    const before = socket.async.reactorState();
    // 3 s: the data must still be missing while y's sendall waits, and the
    // workers start slowly on a loaded machine or under the sanitizer.
    const late = runPeer('core', 'sendLater', [xPeer.fileno(), 3000, 'late']);
    const got = x.async.recv(16);
    const total = 512 * 1024;
    const drain = runPeer('core', 'readSlowly', [z.fileno(), 8192, 1, 8000]);
    await y.async.sendall(Buffer.alloc(total, 7));
    y.shutdown(socket.SHUT_WR);
    assert.equal(await drain.done, total);
    assert.equal((await got).toString(), 'late');
    await late.done;
    const after = socket.async.reactorState();
    assert.ok(after.guesses - before.guesses >= 1, 'no guess was made');
    assert.ok(after.idleRounds - before.idleRounds >= 1, 'no guess found nothing');
    assert.equal(after.pending, 0);
    assert.deepEqual(socket.async.reactorState().pending, 0);
  } finally {
    for (const s of [x, xPeer, y, z]) s.close();
  }
});

test('readiness guesses: closing or aborting in the middle of a chain of guesses leaves no waiter and no stray error', async () => {
  // The echo end closes its socket from inside the chain (after 300 round
  // trips); the ping end's next read, queued and guessed at, sees EOF. A
  // second pair has its reader aborted mid-chain; the socket stays usable.
  const [a, b] = socket.socketpair();
  const [c, d] = socket.socketpair();
  const errors: unknown[] = [];
  const onError = (e: unknown): void => { errors.push(e); };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  try {
    const before = socket.async.reactorState();
    const echo = (async () => {
      for (let i = 0; i < 300; i++) await b.async.sendall(await b.async.recv(1));
      b.close();
    })();
    for (let i = 0; i < 300; i++) {
      await a.async.sendall(Buffer.from('p'));
      assert.equal((await a.async.recv(1)).toString(), 'p');
    }
    // Queued (predicted to block) while the echo end is still closing.
    assert.equal((await a.async.recv(1)).length, 0);
    await echo;
    assert.ok(socket.async.reactorState().guesses - before.guesses >= 300, 'the hops ran as guesses');

    const ac = new AbortController();
    const echo2 = (async () => {
      for (let i = 0; i < 200; i++) await d.async.sendall(await d.async.recv(1));
    })();
    for (let i = 0; i < 200; i++) {
      await c.async.sendall(Buffer.from('q'));
      assert.equal((await c.async.recv(1)).toString(), 'q');
      if (i === 100) {
        // A read of c with nothing to come, aborted while the chain runs.
        const stray = c.async.recv(1, { signal: ac.signal });
        ac.abort();
        await assert.rejects(stray, { name: 'AbortError' });
      }
    }
    await echo2;
    assert.equal(socket.async.reactorState().pending, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(errors, []);
  } finally {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    for (const s of [a, c, d]) s.close();
  }
});

test('readiness rounds yield to the loop: a timer fires during a long ping-pong', async () => {
  const [a, b] = socket.socketpair();
  try {
    let firedAt = -1;
    let at = 0;
    const t = setTimeout(() => { firedAt = at; }, 0);
    await pingPong(a, b, 5000, (i) => { at = i; });
    clearTimeout(t);
    // The rounds stop after a bounded number (64) per loop turn, so timers,
    // I/O of other handles and immediates are not starved.
    assert.ok(firedAt >= 0 && firedAt < 1000, `the timer fired at round trip ${firedAt}`);
  } finally {
    a.close();
    b.close();
  }
});

test('readiness rounds rest when they find nothing: a peer in another thread', async () => {
  const [a, b] = socket.socketpair();
  try {
    const before = socket.async.reactorState();
    // The echo side is a blocking peer in a worker: replies arrive only after
    // this loop has gone back to epoll, so rounds find nothing ready.
    const peer = runPeer('core', 'echoStream', [b.fileno(), 200]);
    for (let i = 0; i < 200; i++) {
      await a.async.sendall(Buffer.from([i & 0xff]));
      assert.deepEqual([...await a.async.recv(1)], [i & 0xff]);
    }
    assert.equal(await peer.done, 200);
    const idle = socket.async.reactorState().idleRounds - before.idleRounds;
    // A round that finds nothing costs one poll(2); after one, rounds rest for
    // 16 dispatches, so at most ~1 in 16 loop turns pays for it.
    assert.ok(idle <= 200 / 16 + 2, `${idle} idle rounds for 200 round trips`);
  } finally {
    a.close();
    b.close();
  }
});
