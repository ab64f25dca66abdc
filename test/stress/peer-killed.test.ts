/**
 * A peer killed (SIGKILL) in the middle of a transfer, for sync and async
 * sendall and recv: the call fails with a ConnectionError subclass
 * (BrokenPipeError, ConnectionResetError), never a signal death. The
 * transferring side runs in a child so a SIGPIPE death would show as its
 * exit signal; the peer is a grandchild that the child kills.
 * CPython: test_socket's testSendallInterrupted family, and
 * BasicTCPTest.testShutdown's peer, adapted to a dying peer.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkNoLeaks } from '../helpers/fds.js';
import { child, lastJson, report, size } from './scale.js';

checkNoLeaks();

const ROUNDS = size(2, 20);

const BODY = `
import { spawn } from 'node:child_process';
const rounds = Number(process.argv[2]);
const mode = process.argv[3]; // 'sendall' | 'recv'
const dist = ${JSON.stringify(new URL('../../../dist/index.js', import.meta.url).href)};
// The peer: connects, then either reads a little (the sender is mid-sendall)
// or sends without end while leaving our bytes unread (so its death is a reset).
const PEER = \`
import * as socket from \${JSON.stringify(dist)};
const s = socket.socket();
s.connect(['127.0.0.1', Number(process.argv[1])]);
if (process.argv[2] === 'sendall') { s.recv(65536); process.stdout.write('mid\\\\n'); }
else { s.sendall(Buffer.alloc(65536, 1)); process.stdout.write('mid\\\\n'); for (let i = 0; i < 100000; i++) s.sendall(Buffer.alloc(65536, 1)); }
setInterval(() => {}, 1000);
\`;
const out = { sync: [], async: [] };
const describe = (e) => e instanceof socket.ConnectionError ? [e.constructor.name, e.code, 'ConnectionError'] : [String(e?.constructor?.name), String(e?.message)];
const srv = socket.socket();
srv.bind(['127.0.0.1', 0]);
srv.listen();
const port = srv.getsockname()[1];
for (let round = 0; round < rounds; round++) {
  for (const kind of ['sync', 'async']) {
    const peer = spawn(process.execPath, ['--input-type=module', '-e', PEER, String(port), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [conn] = await srv.async.accept();
    // Kill the peer once it is mid-transfer.
    peer.stdout.once('data', () => peer.kill('SIGKILL'));
    const exited = new Promise((r) => peer.on('exit', r));
    let result;
    try {
      if (mode === 'sendall') {
        // Our side: bytes to send without end (the peer read 64 KiB and died).
        conn.send(Buffer.alloc(65536, 2)); // what the peer reads before dying
        const big = Buffer.alloc(64 << 20, 3);
        if (kind === 'sync') { await exited; conn.sendall(big); } else { await conn.async.sendall(big); }
      } else {
        conn.send(Buffer.alloc(4096, 2)); // bytes the peer never reads: its close is a reset
        let total = 0;
        for (let i = 0; i < 1000000; i++) {
          const d = kind === 'sync' ? conn.recv(65536) : await conn.async.recv(65536);
          if (d.length === 0) break;
          total += d.length;
          if (kind === 'sync' && total >= 65536) await exited;
        }
      }
      result = ['no error'];
    } catch (e) { result = describe(e); }
    out[kind].push(result);
    await exited;
    conn.close();
  }
}
srv.close();
process.stdout.write(JSON.stringify(out) + '\\n');
`;

for (const mode of ['sendall', 'recv']) {
  test(`a peer killed mid-transfer: sync and async ${mode} fail with a ConnectionError subclass, no signal death`, async () => {
    const r = lastJson(await child(BODY, { args: [String(ROUNDS), mode], timeoutMs: 100_000 }).done);
    const allowed = mode === 'sendall' ? ['BrokenPipeError', 'ConnectionResetError'] : ['ConnectionResetError'];
    const seen = new Set<string>();
    for (const kind of ['sync', 'async']) {
      const results = r[kind] as string[][];
      assert.equal(results.length, ROUNDS);
      for (const res of results) {
        assert.equal(res[2], 'ConnectionError', `${kind} ${mode}: ${res.join(' ')}`);
        assert.ok(allowed.includes(res[0]!), `${kind} ${mode}: ${res.join(' ')}`);
        seen.add(`${kind}: ${res[0]} ${res[1]}`);
      }
    }
    report(`peer killed during ${mode}`, { rounds: ROUNDS, errors: [...seen].join('; ') });
  });
}
