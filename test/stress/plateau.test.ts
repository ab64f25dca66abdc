/**
 * Memory plateaus: RSS and live heap (after a full collection) sampled ten
 * times over many create/close cycles and many async round trips, in a child
 * run with --expose-gc. The criterion is the soak's (scripts/soak.mjs,
 * growthAfterWarmup): after the first fifth (warm-up), the peak of the later
 * half of the samples may exceed the earlier half's by 10 % plus 4 MiB (RSS)
 * / 1 MiB (heap); memory that keeps growing with the count fails.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkNoLeaks } from '../helpers/fds.js';
import { child, lastJson, report, size } from './scale.js';

checkNoLeaks();

const CYCLES = size(50_000, 1_000_000);
const MiB = 1024 * 1024;
const SAMPLES = 10;
const { growthAfterWarmup } = await import(new URL('../../../scripts/soak.mjs', import.meta.url).href) as {
  growthAfterWarmup(values: number[], slack: number): string | null;
};

const BODY = `
const [workload, n, samples] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const out = { rss: [], heap: [] };
const sample = () => {
  gc(); gc();
  const m = process.memoryUsage();
  out.rss.push(m.rss); out.heap.push(m.heapUsed);
};
const step = n / samples;
if (workload === 'create/close') {
  for (let i = 0; i < n; i++) {
    const s = socket.socket(i % 2 ? socket.AF_INET : socket.AF_UNIX, i % 3 ? socket.SOCK_STREAM : socket.SOCK_DGRAM);
    s.close();
    if ((i + 1) % step === 0) sample();
  }
} else {
  const [a, b] = socket.socketpair();
  const msg = Buffer.from('ping');
  for (let i = 0; i < n; i++) {
    const r = b.async.recv(16);
    await a.async.send(msg);
    const got = await r;
    if (got.length !== 4) throw new Error('short read');
    const back = a.async.recv(16);
    await b.async.send(got);
    await back;
    if ((i + 1) % step === 0) { await new Promise((r) => setImmediate(r)); sample(); }
  }
  a.close(); b.close();
}
out.pending = socket.async.reactorState().pending;
process.stdout.write(JSON.stringify(out) + '\\n');
`;

for (const workload of ['create/close', 'async round trips']) {
  test(`RSS and heap plateau over ${CYCLES} ${workload}`, async (t) => {
    const r = lastJson(await child(BODY, { nodeFlags: ['--expose-gc'], args: [workload, String(CYCLES), String(SAMPLES)], timeoutMs: 110_000 }).done);
    const rss = r['rss'] as number[];
    const heap = r['heap'] as number[];
    assert.equal(rss.length, SAMPLES);
    const mb = (v: number): string => (v / MiB).toFixed(1);
    if (process.env['BSD_SOCKET_SANITIZE']) {
      // AddressSanitizer keeps freed memory in a quarantine of up to 256 MiB
      // before reusing it, so RSS climbs until that is full: not the library's.
      t.diagnostic(`RSS not checked under the sanitizer (its quarantine): ${rss.map(mb).join(' ')} MiB`);
    } else {
      assert.equal(growthAfterWarmup(rss, 4 * MiB), null, `RSS ${rss.map(mb).join(' ')} MiB keeps growing`);
    }
    assert.equal(growthAfterWarmup(heap, 1 * MiB), null, `heap ${heap.map(mb).join(' ')} MiB keeps growing`);
    assert.equal(r['pending'], 0);
    report(`plateau, ${workload}`, {
      cycles: CYCLES,
      'RSS MiB by tenth': rss.map(mb).join(' '),
      'heap MiB by tenth': heap.map(mb).join(' '),
    });
  });
}
