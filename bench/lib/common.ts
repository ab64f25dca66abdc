// Helpers shared by the TypeScript bench programs (drivers) and the runner.
//
// Every bench program, whatever its language, prints exactly one JSON line on
// stdout (a `ProgramResult`) and nothing else; the runner parses that line.

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The one line a bench program prints. */
export interface ProgramResult {
  workload: string;
  driver: string;
  /** Iterations in the measured phase (round trips, datagrams, bytes...). */
  rounds: number;
  /** Length of the measured phase, from the program's own monotonic clock. */
  seconds: number;
  /** Metric name -> value; the names are the workload's (e.g. `rt/s`). */
  metrics: Record<string, number>;
}

export function isProgramResult(v: unknown): v is ProgramResult {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (typeof r['workload'] !== 'string' || typeof r['driver'] !== 'string') return false;
  if (typeof r['rounds'] !== 'number' || typeof r['seconds'] !== 'number') return false;
  const m = r['metrics'];
  if (typeof m !== 'object' || m === null) return false;
  return Object.values(m).every((x) => typeof x === 'number' && Number.isFinite(x));
}

export function emit(result: ProgramResult): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Monotonic clock in seconds (process.hrtime, CLOCK_MONOTONIC underneath). */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export function fail(program: string, message: string): never {
  process.stderr.write(`${program}: ${message}\n`);
  process.exit(1);
}

/** A positive integer from argv, or the fallback when absent. */
export function intArg(value: string | undefined, fallback: number, what: string, program: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) fail(program, `bad ${what}: ${value}`);
  return n;
}

export type PingPongMode = 'unix' | 'tcp';

export function modeArg(value: string | undefined, program: string): PingPongMode {
  if (value === 'unix' || value === 'tcp') return value;
  return fail(program, `mode must be unix or tcp, got ${String(value)}`);
}

/** Absolute path of a compiled module, for spawning it again as the peer process. */
export function selfPath(metaUrl: string): string {
  return fileURLToPath(metaUrl);
}

export const DEFAULT_WARMUP = 1000;

/** What a receiver child reports on its last line: datagrams counted and its own seconds. */
export interface ReceiverReport {
  got: number;
  seconds: number;
}

/** Reads a receiver child's report line and waits until the child has exited. */
export async function receiverReport(lines: AsyncIterator<string>, child: ChildProcess): Promise<ReceiverReport> {
  const rep = await lines.next();
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  return JSON.parse(String(rep.value)) as ReceiverReport;
}
