/**
 * Descriptor exhaustion (EMFILE) in a child whose RLIMIT_NOFILE is lowered
 * with `ulimit -n`: socket(), accept() and the accept twin fail with a clear
 * OSError, the pending connection stays queued, the twin does not retry in a
 * loop (its accept4 calls are counted), and everything works again once a
 * descriptor is free. CPython: test_socket has no EMFILE test; the error
 * classes follow its errno mapping (EMFILE has no subclass: OSError).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkNoLeaks } from '../helpers/fds.js';
import { NATIVE, child, lastJson, report, size } from './scale.js';

checkNoLeaks();

const ROUNDS = size(3, 50);

const BODY = `
import { openSync, closeSync } from 'node:fs';
const { native } = await import(${JSON.stringify(NATIVE)});
// Count accept4 calls made by anything (the sync call and the twin).
let accepts = 0;
const realAccept = native.accept;
native.accept = (...a) => { accepts++; return realAccept(...a); };
const rounds = Number(process.argv[2]);
const out = { rounds, socket: [], accept: [], twinNow: [], twinWoken: [], attempts: [], recovered: 0 };
const describe = (e) => e instanceof socket.OSError ? [e.constructor.name, e.code, e.errno, e.syscall, e.message] : [String(e)];
const filler = [];
function exhaust() { for (let i = 0; i < 100000; i++) { try { filler.push(openSync('/dev/null', 'r')); } catch (e) { if (e.code === 'EMFILE') return; throw e; } } }
function release() { for (const fd of filler.splice(0)) closeSync(fd); }
const srv = socket.socket();
srv.bind(['127.0.0.1', 0]);
srv.listen();
for (let round = 0; round < rounds; round++) {
  // One connection queued before exhaustion, one client ready to connect after.
  const early = socket.socket();
  early.connect(srv.getsockname());
  const late = socket.socket();
  exhaust();
  try { socket.socket(); out.socket.push(['no error']); } catch (e) { out.socket.push(describe(e)); }
  try { srv.accept(); out.accept.push(['no error']); } catch (e) { out.accept.push(describe(e)); }
  // The twin, with a connection already queued: fails on its first try.
  try { await srv.async.accept(); out.twinNow.push(['no error']); } catch (e) { out.twinNow.push(describe(e)); }
  // Drain the queue of its connection while exhausted is impossible, so let a
  // descriptor go for one accept, then exhaust again and wait for the late one.
  closeSync(filler.pop());
  const [first] = srv.accept();
  exhaust();
  const before = accepts;
  const woken = srv.async.accept().then(() => ['no error'], describe);
  await new Promise((r) => setTimeout(r, 20));
  late.connect(srv.getsockname());
  out.twinWoken.push(await woken);
  // Give a spinning twin time to show itself: the count must not move.
  await new Promise((r) => setTimeout(r, 100));
  out.attempts.push(accepts - before);
  release();
  // The connections queued during exhaustion were not lost: both arrive, in order.
  const [c2] = await srv.async.accept();
  early.sendall(Buffer.from('early'));
  late.sendall(Buffer.from('late'));
  const a = first.recv(10).toString();
  const b = c2.recv(10).toString();
  if (a === 'early' && b === 'late') out.recovered++;
  for (const s of [first, c2, early, late]) s.close();
}
srv.close();
out.pending = socket.async.reactorState().pending;
process.stdout.write(JSON.stringify(out) + '\\n');
`;

test('EMFILE from socket(), accept() and the accept twin: a clear OSError, no lost connection, no spinning, recovery', async () => {
  const r = lastJson(await child(BODY, { nofile: 64, args: [String(ROUNDS)], timeoutMs: 60_000 }).done);
  const emfile = (syscall: string): unknown[] => ['OSError', 'EMFILE', 24, syscall, '[Errno 24] Too many open files'];
  for (let i = 0; i < ROUNDS; i++) {
    assert.deepEqual((r['socket'] as unknown[][])[i], emfile('socket'), 'socket()');
    assert.deepEqual((r['accept'] as unknown[][])[i], emfile('accept'), 'accept()');
    assert.deepEqual((r['twinNow'] as unknown[][])[i], emfile('accept'), 'the twin with a connection queued');
    assert.deepEqual((r['twinWoken'] as unknown[][])[i], emfile('accept'), 'the twin woken by a connection');
    // One accept4 when readiness comes (two if a wake-up raced the connect): never a loop.
    const n = (r['attempts'] as number[])[i]!;
    assert.ok(n >= 1 && n <= 2, `accept4 calls by the woken twin: ${(r['attempts'] as number[])[i]}`);
  }
  assert.equal(r['recovered'], ROUNDS, 'every queued connection was accepted afterwards, in order');
  assert.equal(r['pending'], 0);
  report('EMFILE', { rounds: ROUNDS, 'accept4 calls per woken twin': (r['attempts'] as number[]).join('/') });
});
