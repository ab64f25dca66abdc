// `npm run fuzz -- --seconds N [--runs N] [--only name,...]`: builds every
// libFuzzer harness of fuzz/ with clang (AddressSanitizer and
// UndefinedBehaviorSanitizer) into .fuzz-build/, runs each for N seconds
// (or N runs) from its checked-in seed corpus, prints executions and
// coverage per harness, and fails on any crash, leak or sanitizer report.
// See docs/fuzzing.md.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

// Each harness and the plain-C files of native/ it links (never Node-API).
const harnesses = {
  sockaddr_decode: ['sockaddr.c'],
  sockaddr_encode: ['sockaddr.c'],
  inet_text: ['sockaddr.c'],
  cmsg: ['cmsg.c'],
  mmsg: ['cmsg.c'],
  nameindex: ['results.c', 'sockaddr.c'],
  addrinfo: ['results.c', 'sockaddr.c'],
  hostent: ['results.c', 'sockaddr.c'],
};

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seconds = Number(option('seconds') ?? 10);
const runs = option('runs') === undefined ? undefined : Number(option('runs'));
const only = option('only')?.split(',');
if (!(seconds > 0) || (runs !== undefined && !(runs > 0))) {
  console.error('usage: npm run fuzz -- --seconds N [--runs N] [--only name,...]');
  process.exit(2);
}
const clang = process.env.CC_FUZZ ?? 'clang';
const out = '.fuzz-build';
mkdirSync(path.join(out, 'artifacts'), { recursive: true });

const rows = [];
let failed = false;
for (const [name, sources] of Object.entries(harnesses)) {
  if (only && !only.includes(name)) continue;
  const bin = path.join(out, name);
  const built = spawnSync(clang, [
    '-g', '-O1', '-std=gnu11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror',
    '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all',
    `fuzz/${name}.c`, ...sources.map((s) => `native/${s}`), '-o', bin,
  ], { stdio: 'inherit' });
  if (built.status !== 0) {
    console.error(`fuzz: ${name} did not build (${built.error?.message ?? `exit ${built.status}`})`);
    rows.push({ harness: name, executions: 0, cov: NaN, ft: NaN, corpus: 0, seconds: 0, crashes: 'build' });
    failed = true;
    continue;
  }
  // A scratch copy of the seeds: the run's new inputs never touch the repo.
  const corpus = path.join(out, 'corpus', name);
  rmSync(corpus, { recursive: true, force: true });
  mkdirSync(corpus, { recursive: true });
  cpSync(path.join('fuzz', 'corpus', name), corpus, { recursive: true });
  const args = [
    corpus, '-print_final_stats=1', '-max_len=1024', '-timeout=10', '-rss_limit_mb=1024',
    `-artifact_prefix=${path.join(out, 'artifacts', name)}-`,
    runs !== undefined ? `-runs=${runs}` : `-max_total_time=${seconds}`,
  ];
  const started = Date.now();
  const r = spawnSync(path.resolve(bin), args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1', ASAN_OPTIONS: 'detect_leaks=1' },
  });
  const log = `${r.stdout}${r.stderr}`;
  const last = [...log.matchAll(/^#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)\s+cov: (\d+) ft: (\d+)/gm)].at(-1);
  const execs = log.match(/stat::number_of_executed_units:\s*(\d+)/)?.[1] ?? last?.[1] ?? '?';
  const row = {
    harness: name,
    executions: Number(execs),
    cov: last ? Number(last[2]) : NaN,
    ft: last ? Number(last[3]) : NaN,
    corpus: readdirSync(corpus).length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    crashes: r.status === 0 ? 0 : 1,
  };
  rows.push(row);
  if (r.status !== 0) {
    failed = true;
    console.error(log.split('\n').slice(-60).join('\n'));
    console.error(`fuzz: ${name} failed (exit ${r.status}); the input is in ${out}/artifacts/`);
  }
  console.log(`fuzz: ${name}: ${row.executions} executions, cov ${row.cov}, ft ${row.ft}, corpus ${row.corpus}, ${row.seconds} s, ${row.crashes ? 'CRASH' : 'no crash'}`);
}
console.log('\n| harness | executions | cov | ft | corpus | seconds | crashes |\n|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.harness} | ${r.executions} | ${r.cov} | ${r.ft} | ${r.corpus} | ${r.seconds} | ${r.crashes} |`);
process.exit(failed ? 1 : 0);
