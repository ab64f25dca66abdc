/**
 * A signal storm: a second process sends SIGUSR2 to a child as fast as it
 * can (a few thousand a second) while the child's main thread sits in
 * blocking and timed calls. A timed call still ends at its deadline (no
 * earlier, and within the 50 ms bound of it: the clock is not
 * restarted by each EINTR); a blocking call is retried and completes
 * (PEP 475). CPython: test_socket's InterruptedTimeoutBase and
 * InterruptedRecvTimeoutTest/InterruptedSendTimeoutTest, and
 * test_eintr's socket cases, at a far higher signal rate.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { checkNoLeaks } from '../helpers/fds.js';
import { child, lastJson, report, size } from './scale.js';

checkNoLeaks();

const REPEATS = size(2, 10);
const TIMEOUT_S = 0.3;
// The bound on overshooting a deadline; the sanitizer run (several times
// slower in every call) gets ten times as much.
const BOUND_MS = process.env['BSD_SOCKET_SANITIZE'] ? 500 : 50;
const PEER = new URL('../helpers/peer.js', import.meta.url).href;

const BODY = `
import { runPeer } from ${JSON.stringify(PEER)};
let handled = 0;
process.on('SIGUSR2', () => { handled++; });
const repeats = Number(process.argv[2]);
const timeout = Number(process.argv[3]);
const out = { timed: {}, blocking: {}, signals: {} };
const timed = async (name, fn) => {
  const took = [];
  const errors = [];
  for (let i = 0; i < repeats; i++) {
    const h0 = handled;
    const t0 = performance.now();
    try { await fn(); errors.push('no error'); } catch (e) { errors.push(e.constructor.name + ':' + e.message); }
    took.push(performance.now() - t0);
    // Handlers run on the loop after the call: one turn lets them count.
    await new Promise((r) => setImmediate(r));
    out.signals[name] = (out.signals[name] ?? 0) + handled - h0;
  }
  out.timed[name] = { took, errors };
};
process.stdout.write('ready\\n');
// The storm has begun once a signal has arrived (its process may be slow to
// start on a loaded machine or under the sanitizer); bounded at 30 s.
for (const end = Date.now() + 30000; handled === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
{
  const [a, b] = socket.socketpair();
  a.settimeout(timeout);
  await timed('recv', () => a.recv(10));
  await timed('recv_into', () => a.recv_into(Buffer.alloc(10)));
  await timed('async recv', () => a.async.recv(10));
  b.setblocking(false);
  try { for (;;) b.send(Buffer.alloc(65536)); } catch {}
  b.settimeout(timeout);
  await timed('sendall', () => b.sendall(Buffer.alloc(1 << 20)));
  await timed('async sendall', () => b.async.sendall(Buffer.alloc(1 << 20)));
  a.close(); b.close();
  const srv = socket.socket();
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  srv.settimeout(timeout);
  await timed('accept', () => srv.accept());
  srv.close();
}
{
  // Blocking calls: a worker completes them after 300 ms of signals.
  const h0 = handled;
  const [a, b] = socket.socketpair();
  let peer = runPeer('core', 'sendLater', [b.fileno(), 300, 'after the storm']);
  out.blocking.recv = a.recv(100).toString();
  await peer.done;
  const srv = socket.socket();
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  peer = runPeer('core', 'connectLater', [srv.getsockname()[1], 300, 'connected']);
  const [conn] = srv.accept();
  out.blocking.accept = conn.recv(100).toString();
  await peer.done;
  conn.close(); srv.close();
  const data = Buffer.alloc(8 << 20, 7);
  peer = runPeer('core', 'readSlowly', [b.fileno(), 65536, 1, 20000]);
  a.sendall(data);
  a.shutdown(socket.SHUT_WR);
  out.blocking.sendall = await peer.done;
  a.close(); b.close();
  await new Promise((r) => setImmediate(r));
  out.signals.blocking = handled - h0;
}
out.handled = handled;
process.stdout.write(JSON.stringify(out) + '\\n');
// The parent stops the storm when it sees the line; the handler must outlive it.
await new Promise((r) => setTimeout(r, 1000));
`;

// The storm: a separate process signalling the child in a loop (bounded in count and time).
const STORM = `
const pid = Number(process.argv[1]);
const pause = new Int32Array(new SharedArrayBuffer(4));
const end = Date.now() + 60000;
for (let i = 0; i < 2000000 && Date.now() < end; i++) {
  try { process.kill(pid, 'SIGUSR2'); } catch { break; }
  if ((i & 7) === 7) Atomics.wait(pause, 0, 0, 1);
}
`;

test('a signal storm: timed calls end at their deadline, blocking calls are retried to completion (PEP 475)', async () => {
  const c = child(BODY, { args: [String(REPEATS), String(TIMEOUT_S)], timeoutMs: 100_000 });
  await c.line(/^ready$/);
  const storm = spawn(process.execPath, ['-e', STORM, String(c.pid)], { stdio: 'ignore' });
  const stormDone = new Promise((r) => storm.on('exit', r));
  await c.line(/^\{"timed"/);
  storm.kill('SIGKILL');
  await stormDone;
  const result = await c.done;
  const r = lastJson(result);
  const timedOut = `TimeoutError:timed out`;
  const figures: Record<string, string> = {};
  for (const [name, { took, errors }] of Object.entries(r['timed'] as Record<string, { took: number[]; errors: string[] }>)) {
    assert.deepEqual(errors, took.map(() => timedOut), `${name}: every call timed out`);
    for (const t of took) {
      assert.ok(t >= TIMEOUT_S * 1000 - 1, `${name} ended before its deadline: ${t.toFixed(1)} ms`);
      assert.ok(t <= TIMEOUT_S * 1000 + BOUND_MS, `${name} overshot its deadline by ${(t - TIMEOUT_S * 1000).toFixed(1)} ms`);
    }
    assert.ok((r['signals'] as Record<string, number>)[name]! > 0, `${name}: signals arrived during the calls`);
    figures[`${name} worst overshoot`] = `${(Math.max(...took) - TIMEOUT_S * 1000).toFixed(1)} ms`;
  }
  const blocking = r['blocking'] as Record<string, unknown>;
  assert.equal(blocking['recv'], 'after the storm');
  assert.equal(blocking['accept'], 'connected');
  assert.equal(blocking['sendall'], 8 << 20, 'the peer read every byte of the blocking sendall');
  assert.ok((r['signals'] as Record<string, number>)['blocking']! > 0, 'signals arrived during the blocking calls');
  report('signal storm', { 'signals handled': String(r['handled']), ...figures });
});
