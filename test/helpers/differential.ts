/**
 * Differential testing against python3's socket module: a corpus of calls
 * written once as JSON runs in Python (one process for the whole corpus) and
 * here, and the outcomes must be identical: the same result, or the same
 * error class (Python's ValueError/OverflowError/UnicodeError are RangeError
 * here, DESIGN §2), errno and, for OSError and its subclasses, message.
 *
 * Argument encoding, understood by both sides:
 *   {bytes: 'hex'}   bytes (a Buffer here)
 *   {tuple: [...]}   a tuple (an array here)
 *   {int: '123'}     an integer beyond 2**53 (a bigint here)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { python } from './python.js';

export type Spec = unknown;
export interface Case {
  fn: string;
  args: Spec[];
}
export type Outcome = { ok: unknown } | { err: string; errno: number | null; message?: string };

const PY_TO_JS: Record<string, string> = {
  OverflowError: 'RangeError',
  ValueError: 'RangeError',
  UnicodeError: 'RangeError',
  UnicodeEncodeError: 'RangeError',
  UnicodeDecodeError: 'RangeError',
  // A wrong-type argument that Python only notices through a missing method
  // (getfqdn(5): 'int' object has no attribute 'strip') is a TypeError here.
  AttributeError: 'TypeError',
};

/** Runs every case in python3 and returns the outcomes, in order. */
export function pythonOutcomes(cases: Case[], module = 'socket'): Outcome[] {
  // The corpus goes through a file: a large one would not fit in argv.
  const dir = mkdtempSync(path.join(tmpdir(), 'bsd-diff-'));
  const file = path.join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  let raw: Outcome[];
  try {
    raw = run(file, module);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return raw.map((o) => ('err' in o ? { ...o, err: PY_TO_JS[o.err] ?? o.err } : o));
}

function run(file: string, module: string): Outcome[] {
  return python<Outcome[]>(`
import json, ${module} as m
OSE = ('OSError', 'gaierror', 'herror')
def dec(v):
    if isinstance(v, dict):
        if 'bytes' in v: return bytes.fromhex(v['bytes'])
        if 'tuple' in v: return tuple(dec(x) for x in v['tuple'])
        if 'int' in v: return int(v['int'])
    if isinstance(v, list): return [dec(x) for x in v]
    return v
def enc(r):
    if isinstance(r, (bytes, bytearray)): return {'bytes': r.hex()}
    if isinstance(r, (tuple, list)): return [enc(x) for x in r]
    if isinstance(r, bool): return r
    if isinstance(r, int): return int(r)
    return r
out = []
for c in json.load(open(${JSON.stringify(file)}, encoding='utf-8')):
    try:
        out.append({'ok': enc(getattr(m, c['fn'])(*dec(c['args'])))})
    except Exception as e:
        o = {'err': type(e).__name__, 'errno': None}
        if isinstance(e, OSError):
            o['errno'] = e.errno
            o['message'] = str(e)
        out.append(o)
print(json.dumps(out))
`, 60_000);
}

/** Decodes a spec into the JS argument. */
export function decode(v: Spec): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (typeof o['bytes'] === 'string') return Buffer.from(o['bytes'], 'hex');
    if (Array.isArray(o['tuple'])) return (o['tuple'] as Spec[]).map(decode);
    if (typeof o['int'] === 'string') return BigInt(o['int']);
  }
  return v;
}

function encode(r: unknown): unknown {
  if (Buffer.isBuffer(r)) return { bytes: r.toString('hex') };
  if (Array.isArray(r)) return r.map(encode);
  return r;
}

function errorOutcome(e: unknown): Outcome {
  const err = e as { name?: string; errno?: number | null; message?: string; constructor?: { name?: string } };
  const name = err.constructor?.name ?? err.name ?? 'Error';
  const isOSError = typeof err.errno === 'number' || err.errno === null;
  return isOSError
    ? { err: name, errno: err.errno ?? null, message: err.message ?? '' }
    : { err: name, errno: null };
}

/** The outcome of a synchronous call. */
export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: encode(fn()) };
  } catch (e) {
    return errorOutcome(e);
  }
}

/** The outcome of a Promise-returning call (a synchronous throw counts too). */
export async function outcomeAsync(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: encode(await fn()) };
  } catch (e) {
    return errorOutcome(e);
  }
}

/** Asserts every outcome equals Python's, reporting all mismatches at once. */
export function assertSameOutcomes(cases: Case[], ours: Outcome[], theirs: Outcome[], label = ''): void {
  const diffs: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const a = JSON.stringify(ours[i]);
    const b = JSON.stringify(theirs[i]);
    if (a !== b) diffs.push(`${cases[i]!.fn}(${JSON.stringify(cases[i]!.args)}): ours ${a}, python ${b}`);
  }
  assert.deepEqual(diffs, [], `${label}${diffs.length} of ${cases.length} differ from python3`);
}
