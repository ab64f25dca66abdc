/**
 * TypeScript consumers of the packed package, part 2: the strictest setup,
 * CommonJS with module commonjs and node10 resolution (which finds `./async`
 * only through typesVersions), esModuleInterop off and skipLibCheck off, so
 * every shipped .d.ts is checked as such a consumer's compiler sees it.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkNoLeaks } from './helpers/fds.js';
import { Workspace, noNpm, typeCheckConsumers } from './helpers/packaging.js';

checkNoLeaks();

const ws = new Workspace();
test.after(() => ws.dispose('packaging-dts'));

test('a commonjs/node10 consumer without esModuleInterop type-checks every shipped .d.ts (skipLibCheck off)', { skip: noNpm }, async () => {
  assert.deepEqual(await typeCheckConsumers(ws, [
    ['commonjs-node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: false }],
  ]), []);
});
