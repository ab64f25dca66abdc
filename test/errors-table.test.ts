/**
 * The table of bad inputs (docs/errors.md): every case of
 * errors-table.cases.ts raises its listed error and leaves no descriptor
 * open; python3 raises the listed class for the same call; and the document
 * is exactly the rendering of the cases (`npm run gen:errors-doc` writes it).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as socket from 'bsd-socket';
import { checkNoLeaks, openFds, leakedSince } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import {
  ERROR_CASES, PYTHON_FIXTURES, describeError, matchesPython, messagePattern, renderErrorsDoc, runCase,
} from './errors-table.cases.js';

checkNoLeaks();

const DOC = new URL('../../docs/errors.md', import.meta.url);

test('docs/errors.md is the rendering of the cases, with at least 100 bad inputs', () => {
  assert.ok(ERROR_CASES.length >= 100, `${ERROR_CASES.length} cases`);
  const keys = ERROR_CASES.map((c) => `${c.area}: ${c.input}`);
  assert.equal(new Set(keys).size, keys.length, 'each input appears once');
  assert.equal(readFileSync(DOC, 'utf8'), renderErrorsDoc(), 'docs/errors.md is stale: run npm run gen:errors-doc');
});

/** Why a case cannot run here (its socket refused: EPERM without CAP_NET_RAW, EAFNOSUPPORT), or null. */
const skipOf = (c: (typeof ERROR_CASES)[number]): string | null => (c.needs === undefined ? null : skipReason(...c.needs));

for (const c of ERROR_CASES) {
  test(`bad input, ${c.area}: ${c.input} -> ${c.cls}${c.code === undefined ? '' : ` ${c.code}`}`, { skip: skipOf(c) ?? false }, async () => {
    const before = openFds();
    const e = await runCase(c);
    socket.setdefaulttimeout(null); // a case may have failed half-way through setdefaulttimeout
    assert.notEqual(e, null, 'the call raised nothing');
    const got = describeError(e);
    assert.equal(got.cls, c.cls, `class (message: ${got.message})`);
    assert.equal(got.code, c.code, 'code');
    assert.match(got.message, messagePattern(c.message));
    if (c.code !== undefined && e instanceof socket.OSError) {
      assert.ok(e.errno !== null && e.errno !== 0, 'an errno with the code');
    }
    assert.deepEqual(leakedSince(before, ['socket:', 'pipe:', '/']), [], 'the failed call left descriptors open');
  });
}

// One python3 process runs every case's Python snippet with the same fixtures.
const PYTHON_RUNNER = `${PYTHON_FIXTURES}
import json, sys
out = []
for src in json.loads(sys.stdin.read()):
    f = Fixtures()
    try:
        exec(src, {'socket': socket, 'f': f})
        out.append('none')
    except BaseException as e:
        out.append(type(e).__name__)
    finally:
        f.release()
print(json.dumps(out))
`;

test('the Python column: python3 raises the listed class for the same call, and ours is its counterpart or the row says why not', () => {
  const withPython = ERROR_CASES.filter((c) => c.python !== null && skipOf(c) === null);
  assert.ok(withPython.length >= 100, `${withPython.length} cases compared with Python`);
  const r = spawnSync('python3', ['-c', PYTHON_RUNNER], {
    input: JSON.stringify(withPython.map((c) => c.python)), encoding: 'utf8', timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const classes = JSON.parse(r.stdout) as string[];
  const wrong: string[] = [];
  withPython.forEach((c, i) => {
    if (classes[i] !== c.pyClass) wrong.push(`${c.input}: python3 raised ${classes[i]}, the table says ${c.pyClass}`);
    else if (!matchesPython(c.cls, c.pyClass) && c.note === undefined) wrong.push(`${c.input}: ${c.cls} is not Python's ${c.pyClass}, and no note says why`);
  });
  assert.deepEqual(wrong, []);
});
