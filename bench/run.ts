// The bench runner: `npm run bench` (node .build/bench/run.js).
//
// Compiles the C programs, then runs every workload x driver in a fresh
// process, round-robin, RUNS times, and prints one table of medians with the
// ratio of each row to the workload's C reference.  Raw lines and the table
// are written to bench/results/ (ignored by git).
//
// Environment:
//   RUNS=3            runs of every entry (round-robin: run 1 of everything, then run 2, ...)
//   ROUNDS_SCALE=1    multiplies every workload's size (0.1 for a quick look)
//   ONLY=a,b          only the workloads named (or prefixed) a, b: ONLY=pingpong, ONLY=pingpong-tcp
//   DRIVERS=a,b       only the drivers named (or prefixed) a, b: DRIVERS=c,bsd-socket
//   WRAP='taskset -c 0'  a command prefix for every driver process
//   CC=cc             the C compiler (programs are built with -O2)
//
//   node .build/bench/run.js --report bench/results/<stamp>-raw.jsonl   rebuilds a table

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProgramResult, type ProgramResult } from './lib/common.js';
import { workloads as allWorkloads } from './workloads/index.js';
import type { BenchContext, Driver, Requirement, Workload } from './workloads/types.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // <root>/.build/bench
const root = path.resolve(here, '..', '..');
const benchSrc = path.join(root, 'bench');
const resultsDir = path.join(benchSrc, 'results');

// ---------------------------------------------------------------- records

interface Meta {
  kind: 'meta';
  started: string;
  runs: number;
  scale: number;
  only: string | null;
  drivers: string | null;
  wrap: string | null;
  machine: Record<string, string>;
  workloads: { name: string; summary: string; metrics: { name: string; decimals: number; ratio: boolean }[]; drivers: { name: string; reference: boolean; skipped: string | null }[] }[];
}

interface RunRecord {
  kind: 'run';
  run: number;
  workload: string;
  driver: string;
  command: string[];
  wallSeconds: number;
  ok: boolean;
  result: ProgramResult | null;
  error: string | null;
}

// ---------------------------------------------------------------- helpers

function envInt(name: string, fallback: number, min: number, max: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}, got ${v}`);
  return n;
}

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new Error(`${name} must be a number in (0, 100], got ${v}`);
  return n;
}

function envList(name: string): string[] | null {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return null;
  return v.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function matches(name: string, patterns: string[] | null): boolean {
  return patterns === null || patterns.some((p) => name === p || name.startsWith(p));
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error !== undefined || r.status !== 0) return 'unavailable';
  return (r.stdout + r.stderr).trim().split('\n')[0] ?? '';
}

function machineFacts(): Record<string, string> {
  return {
    cpus: `${os.availableParallelism()} (${os.cpus()[0]?.model ?? 'unknown'})`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kernel: os.release(),
    node: process.version,
    python3: firstLine('python3', ['--version']),
    cc: firstLine(process.env['CC'] ?? 'cc', ['--version']),
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(x: number, decimals: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

// ---------------------------------------------------------------- requirements

/**
 * Builds every `<dir>/*.c` with `cc -O2` into bench/c/bin/<name><suffix>, adding
 * `extra` to each command line; returns null on success or the errors.
 */
function compileAll(dir: string, suffix: string, extra: readonly string[]): string | null {
  const bin = path.join(benchSrc, 'c', 'bin');
  mkdirSync(bin, { recursive: true });
  const cc = process.env['CC'] ?? 'cc';
  const errors: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.c')).sort()) {
    const out = path.join(bin, f.slice(0, -2) + suffix);
    const args = ['-O2', '-Wall', '-Wextra', '-std=c11', ...extra, '-o', out, path.join(dir, f)];
    const r = spawnSync(cc, args, { encoding: 'utf8', timeout: 120_000 });
    if (r.error !== undefined) errors.push(`${cc}: ${r.error.message}`);
    else if (r.status !== 0) errors.push(`${f}: exit ${String(r.status ?? r.signal)} ${r.stderr.trim()}`.trim());
    else if (r.stderr.trim() !== '') process.stderr.write(r.stderr);
  }
  return errors.length === 0 ? null : `C build failed: ${errors.join('; ')}`;
}

/** The directory holding node_api.h: the one node-gyp built the addon against, else the running Node's. */
function nodeApiHeaders(): string | null {
  const dirs: string[] = [];
  const gypi = path.join(root, 'build', 'config.gypi');
  const m = existsSync(gypi) ? /"nodedir":\s*"([^"]+)"/.exec(readFileSync(gypi, 'utf8')) : null;
  if (m !== null) dirs.push(path.join(m[1]!, 'include', 'node'));
  dirs.push(path.resolve(path.dirname(process.execPath), '..', 'include', 'node'));
  return dirs.find((d) => existsSync(path.join(d, 'node_api.h'))) ?? null;
}

/** The C programs (bench/c/*.c), and the bench-only addons (bench/napi/*.c -> <name>.node). */
function compileC(): string | null {
  return compileAll(path.join(benchSrc, 'c'), '', []);
}

function compileNodeApi(): string | null {
  const include = nodeApiHeaders();
  if (include === null) return 'Node-API headers (node_api.h) not found';
  return compileAll(path.join(benchSrc, 'napi'), '.node', ['-shared', '-fPIC', `-I${include}`]);
}

function checkRequirements(needed: Set<Requirement>): Map<Requirement, string | null> {
  const status = new Map<Requirement, string | null>();
  if (needed.has('c')) status.set('c', compileC());
  if (needed.has('node-api')) status.set('node-api', compileNodeApi());
  if (needed.has('python')) {
    status.set('python', firstLine('python3', ['--version']) === 'unavailable' ? 'python3 not found' : null);
  }
  if (needed.has('bsd-socket')) {
    status.set('bsd-socket', existsSync(path.join(root, 'dist', 'index.js'))
      ? null
      : 'dist/index.js missing (build the library: npm run build)');
  }
  return status;
}

// ---------------------------------------------------------------- running

const ctx: BenchContext = {
  root,
  scale: 1,
  cBin: (name) => path.join(benchSrc, 'c', 'bin', name),
  python: (name) => path.join(benchSrc, 'python', name),
  js: (name) => path.join(here, 'drivers', `${name}.js`),
  scaled(n) { return Math.max(1, Math.round(n * this.scale)); },
};

function runOne(command: string[], timeoutSeconds: number): Promise<{ wall: number; stdout: string; stderr: string; error: string | null }> {
  const wrap = (process.env['WRAP'] ?? '').trim().split(/\s+/).filter((x) => x !== '');
  const full = [...wrap, ...command.map((c, i) => (i === 0 && c === 'node' ? process.execPath : c))];
  const [exe, ...args] = full;
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(exe!, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutSeconds * 1000);
    child.on('error', (e: Error) => {
      clearTimeout(timer);
      resolve({ wall: 0, stdout, stderr, error: `spawn failed: ${e.message}` });
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      let error: string | null = null;
      if (timedOut) error = `killed after ${timeoutSeconds} s`;
      else if (code !== 0) error = `exit ${String(code ?? signal)}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      resolve({ wall, stdout, stderr, error });
    });
  });
}

function parseResult(stdout: string, w: Workload): ProgramResult | string {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (line === undefined) return 'no JSON line on stdout';
  let v: unknown;
  try { v = JSON.parse(line); } catch { return `bad JSON: ${line.slice(0, 200)}`; }
  if (!isProgramResult(v)) return `not a result line: ${line.slice(0, 200)}`;
  for (const m of w.metrics) if (!(m.name in v.metrics)) return `metric ${m.name} missing`;
  return v;
}

// ---------------------------------------------------------------- the table

function table(meta: Meta, records: RunRecord[]): string {
  const lines: string[] = [];
  lines.push('| workload | driver | metric | median | ratio to C | runs: min – max |');
  lines.push('|---|---|---|---:|---:|---|');
  for (const w of meta.workloads) {
    const ok = (d: string): ProgramResult[] => records
      .filter((r) => r.workload === w.name && r.driver === d && r.ok && r.result !== null)
      .map((r) => r.result!);
    const ref = w.drivers.find((d) => d.reference);
    for (const m of w.metrics) {
      const refResults = ref === undefined ? [] : ok(ref.name);
      const refMedian = refResults.length > 0 ? median(refResults.map((r) => r.metrics[m.name]!)) : null;
      for (const d of w.drivers) {
        const head = `| ${w.name} | ${d.name} | ${m.name} |`;
        if (d.skipped !== null) { lines.push(`${head} skipped | - | ${d.skipped} |`); continue; }
        const all = records.filter((r) => r.workload === w.name && r.driver === d.name);
        const vals = ok(d.name).map((r) => r.metrics[m.name]!);
        const failed = all.length - vals.length;
        if (vals.length === 0) {
          const why = all.find((r) => !r.ok)?.error ?? 'not run';
          lines.push(`${head} failed | - | ${why.replace(/\|/g, '/')} |`);
          continue;
        }
        const med = median(vals);
        const ratio = m.ratio && refMedian !== null && refMedian > 0 ? (med / refMedian).toFixed(2) : '-';
        const lo = Math.min(...vals);
        const hi = Math.max(...vals);
        const wide = lo > 0 && hi > 2 * lo ? ' spread > 2x' : '';
        const spread = `${fmt(lo, m.decimals)} – ${fmt(hi, m.decimals)} (n=${vals.length}${failed > 0 ? `, ${failed} failed` : ''})${wide}`;
        lines.push(`${head} ${fmt(med, m.decimals)} | ${ratio} | ${spread} |`);
      }
    }
  }
  lines.push('');
  lines.push(`Medians of ${meta.runs} run(s), round-robin, one invocation started ${meta.started}; ` +
    `ROUNDS_SCALE=${meta.scale}${meta.wrap !== null ? `, WRAP='${meta.wrap}'` : ''}. ` +
    'Higher is better; ratio = median / the C row\'s median, same invocation. ' +
    '"spread > 2x" marks a row whose runs disagree by more than 2x (for ping-pong: scheduling, see bench/README.md).');
  lines.push('');
  for (const w of meta.workloads) lines.push(`- ${w.name}: ${w.summary}`);
  lines.push('');
  lines.push('Machine: ' + Object.entries(meta.machine).map(([k, v]) => `${k} ${v}`).join('; '));
  return lines.join('\n') + '\n';
}

function report(file: string): void {
  const recs = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Meta | RunRecord);
  const meta = recs.find((r): r is Meta => r.kind === 'meta');
  if (meta === undefined) throw new Error(`${file}: no meta line`);
  process.stdout.write(table(meta, recs.filter((r): r is RunRecord => r.kind === 'run')));
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  if (process.argv[2] === '--report') {
    const f = process.argv[3];
    if (f === undefined) throw new Error('usage: run.js --report <raw.jsonl>');
    report(f);
    return 0;
  }
  const runs = envInt('RUNS', 3, 1, 100);
  ctx.scale = envNumber('ROUNDS_SCALE', 1);
  const only = envList('ONLY');
  const driverFilter = envList('DRIVERS');
  const selected = allWorkloads.filter((w) => matches(w.name, only));
  if (selected.length === 0) {
    throw new Error(`ONLY=${String(process.env['ONLY'])} matches no workload (have: ${allWorkloads.map((w) => w.name).join(', ')})`);
  }
  const plan: { w: Workload; drivers: Driver[] }[] = selected.map((w) => ({
    w,
    drivers: w.drivers.filter((d) => d.reference === true || matches(d.name, driverFilter)),
  }));

  const needed = new Set<Requirement>(plan.flatMap((p) => p.drivers.flatMap((d) => d.requires ?? [])));
  const reqs = checkRequirements(needed);
  const skipReason = (d: Driver): string | null => {
    for (const r of d.requires ?? []) { const why = reqs.get(r); if (why) return why; }
    const cmd = d.command(ctx);
    for (const a of cmd) {
      if (a.startsWith(here) && !existsSync(a)) return `${path.relative(root, a)} missing (compile: npm run build)`;
    }
    return null;
  };

  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  mkdirSync(resultsDir, { recursive: true });
  const rawFile = path.join(resultsDir, `${stamp}-raw.jsonl`);
  const tableFile = path.join(resultsDir, `${stamp}-table.md`);
  const meta: Meta = {
    kind: 'meta',
    started: started.toISOString(),
    runs,
    scale: ctx.scale,
    only: only?.join(',') ?? null,
    drivers: driverFilter?.join(',') ?? null,
    wrap: (process.env['WRAP'] ?? '').trim() || null,
    machine: machineFacts(),
    workloads: plan.map(({ w, drivers }) => ({
      name: w.name,
      summary: w.summary,
      metrics: w.metrics.map((m) => ({ name: m.name, decimals: m.decimals ?? 0, ratio: m.ratio ?? true })),
      drivers: drivers.map((d) => ({ name: d.name, reference: d.reference === true, skipped: skipReason(d) })),
    })),
  };
  writeFileSync(rawFile, JSON.stringify(meta) + '\n');

  const records: RunRecord[] = [];
  const total = runs * meta.workloads.reduce((n, w) => n + w.drivers.filter((d) => d.skipped === null).length, 0);
  let done = 0;
  for (let run = 1; run <= runs; run++) {
    for (const { w, drivers } of plan) {
      const info = meta.workloads.find((x) => x.name === w.name)!;
      for (const d of drivers) {
        if (info.drivers.find((x) => x.name === d.name)?.skipped !== null) continue;
        const command = d.command(ctx);
        const out = await runOne(command, w.timeoutSeconds);
        let result: ProgramResult | null = null;
        let error = out.error;
        if (error === null) {
          const parsed = parseResult(out.stdout, w);
          if (typeof parsed === 'string') error = parsed;
          else result = parsed;
        }
        const rec: RunRecord = {
          kind: 'run', run, workload: w.name, driver: d.name, command,
          wallSeconds: Number(out.wall.toFixed(3)), ok: error === null, result, error,
        };
        records.push(rec);
        appendFileSync(rawFile, JSON.stringify(rec) + '\n');
        done++;
        const shown = result === null
          ? `FAILED ${error ?? ''}`
          : w.metrics.map((m) => `${fmt(result!.metrics[m.name]!, m.decimals ?? 0)} ${m.name}`).join(', ');
        process.stderr.write(`[${done}/${total}] run ${run} ${w.name} ${d.name}: ${shown} (${out.wall.toFixed(1)} s)\n`);
      }
    }
  }

  meta.machine['loadavg'] = `${meta.machine['loadavg'] ?? ''} at start, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at end`;
  const text = table(meta, records);
  writeFileSync(tableFile, text);
  process.stdout.write('\n' + text);
  process.stdout.write(`\nraw: ${path.relative(root, rawFile)}\ntable: ${path.relative(root, tableFile)}\n`);
  return records.every((r) => r.ok) ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
