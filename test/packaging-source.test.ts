/**
 * The forced source build from the packed tarball, where a toolchain exists:
 * `BSD_SOCKET_BUILD_FROM_SOURCE=1 npm install <tarball>` compiles build/Release
 * with node-gyp, and the package then works with its prebuilds deleted.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { checkNoLeaks } from './helpers/fds.js';
import { Workspace, noNpm, onRealPath, packageDir, useFromBoth } from './helpers/packaging.js';

checkNoLeaks();

const ws = new Workspace();
test.after(() => ws.dispose('packaging-source'));

const toolchain = ['cc', 'make', 'python3'].every((t) => onRealPath(t) !== null);
test('forced source build (BSD_SOCKET_BUILD_FROM_SOURCE=1) with a toolchain: build/Release is compiled and loads without the prebuilds',
  { skip: noNpm || (toolchain ? false : 'no cc, make and python3 on PATH') }, () => {
    ws.pack();
    const dir = ws.project('from-source', true);
    const env: NodeJS.ProcessEnv = { ...ws.bareEnv(), PATH: `${ws.bin}${path.delimiter}${process.env['PATH'] ?? ''}`, BSD_SOCKET_BUILD_FROM_SOURCE: '1' };
    const r = ws.timed('install from source', () => ws.npm(['install', ws.tarball], dir, env));
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /a source build was requested; compiling from source with node-gyp/);
    assert.ok(existsSync(path.join(packageDir(dir), 'build', 'Release', 'bsd_socket.node')));
    rmSync(path.join(packageDir(dir), 'prebuilds'), { recursive: true, force: true });
    useFromBoth(ws, dir);
  });

