// `npm run fuzz -- --seconds N [--runs N] [--jobs N] [--only name,...]`:
// builds every libFuzzer harness of fuzz/ with clang (AddressSanitizer and
// UndefinedBehaviorSanitizer) into .fuzz-build/, runs each for N seconds (or
// N executions) from its checked-in seed corpus, --jobs at a time, prints
// executions and coverage per harness, and fails on any crash, leak or
// sanitizer report.  See docs/fuzzing.md.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { harnesses } from './fuzz-harnesses.mjs';

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seconds = Number(option('seconds') ?? 10);
const runs = option('runs') === undefined ? undefined : Number(option('runs'));
const jobs = Number(option('jobs') ?? 1);
const only = option('only')?.split(',');
if (!(seconds > 0) || (runs !== undefined && !(runs > 0)) || !(jobs >= 1)) {
  console.error('usage: npm run fuzz -- --seconds N [--runs N] [--jobs N] [--only name,...]');
  process.exit(2);
}
const clang = process.env.CC_FUZZ ?? 'clang';
// FUZZ_BUILD_DIR lets a second run (a smoke beside a long run) use its own directory.
const out = process.env.FUZZ_BUILD_DIR ?? '.fuzz-build';
mkdirSync(path.join(out, 'artifacts'), { recursive: true });
mkdirSync(path.join(out, 'logs'), { recursive: true });
const names = Object.keys(harnesses).filter((n) => !only || only.includes(n));

function build(name) {
  const r = spawnSync(clang, [
    '-g', '-O1', '-std=gnu11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror',
    '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all',
    `fuzz/${name}.c`, ...harnesses[name].sources.map((s) => `native/${s}`), '-o', path.join(out, name),
  ], { stdio: 'inherit' });
  if (r.status !== 0) console.error(`fuzz: ${name} did not build (${r.error?.message ?? `exit ${r.status}`})`);
  return r.status === 0;
}

function run(name) {
  // A scratch copy of the seeds: the run's new inputs never touch the repo.
  const corpus = path.join(out, 'corpus', name);
  rmSync(corpus, { recursive: true, force: true });
  mkdirSync(corpus, { recursive: true });
  cpSync(path.join('fuzz', 'corpus', name), corpus, { recursive: true });
  const args = [
    corpus, '-print_final_stats=1', `-max_len=${harnesses[name].maxLen}`, '-timeout=10', '-rss_limit_mb=1024',
    `-artifact_prefix=${path.join(out, 'artifacts', name)}-`,
    runs !== undefined ? `-runs=${runs}` : `-max_total_time=${seconds}`,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.resolve(out, name), args, {
      // Allocation stacks of 2 frames rather than 30: the list harnesses
      // allocate per entry, and each allocation unwinds its stack.
      env: {
        ...process.env,
        UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
        ASAN_OPTIONS: 'detect_leaks=1:malloc_context_size=2',
      },
    });
    const logFile = createWriteStream(path.join(out, 'logs', `${name}.log`));
    let log = '';
    // Keep the head (seeds) and the tail (final figures, any report) of the log.
    const keep = (d) => {
      logFile.write(d);
      log += d;
      if (log.length > 1 << 20) log = log.slice(0, 1 << 16) + log.slice(-(1 << 19));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (status) => {
      logFile.end();
      const last = [...log.matchAll(/^#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)\s+cov: (\d+) ft: (\d+)/gm)].at(-1);
      const execs = log.match(/stat::number_of_executed_units:\s*(\d+)/)?.[1] ?? last?.[1] ?? 'NaN';
      const row = {
        harness: name, executions: Number(execs), cov: last ? Number(last[2]) : NaN,
        ft: last ? Number(last[3]) : NaN, corpus: readdirSync(corpus).length,
        seconds: Math.round((Date.now() - started) / 100) / 10, crashes: status === 0 ? 0 : 1,
      };
      if (status !== 0) {
        console.error(log.split('\n').slice(-60).join('\n'));
        console.error(`fuzz: ${name} failed (exit ${status}); the input is in ${out}/artifacts/`);
      }
      console.log(`fuzz: ${name}: ${row.executions} executions, cov ${row.cov}, ft ${row.ft}, ` +
        `corpus ${row.corpus}, ${row.seconds} s, ${row.crashes ? 'CRASH' : 'no crash'}`);
      resolve(row);
    });
  });
}

const rows = new Map();
let failed = false;
const queue = [];
for (const name of names) {
  if (build(name)) queue.push(name);
  else {
    failed = true;
    rows.set(name, { harness: name, executions: 0, cov: NaN, ft: NaN, corpus: 0, seconds: 0, crashes: 'build' });
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const row = await run(name);
    if (row.crashes) failed = true;
    rows.set(name, row);
  }
}));
console.log('\n| harness | executions | cov | ft | corpus | seconds | crashes |\n|---|---:|---:|---:|---:|---:|---:|');
for (const name of names) {
  const r = rows.get(name);
  console.log(`| ${r.harness} | ${r.executions} | ${r.cov} | ${r.ft} | ${r.corpus} | ${r.seconds} | ${r.crashes} |`);
}
process.exit(failed ? 1 : 0);
