/**
 * Address arguments: their forms per family, Python's validation messages and
 * error classes (OverflowError/ValueError -> RangeError, TypeError stays)
 * (CPython: GeneralModuleTests.test_getsockaddrarg, test_flowinfo,
 * testSockName, behaviours 19-25).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { closeAll } from './helpers/core.js';
import { skipReason } from './helpers/families.js';

checkNoLeaks();

test('an AF_INET port outside 0-65535 is RangeError "bind(): port must be 0-65535." (test_socket: GeneralModuleTests.test_getsockaddrarg)', () => {
  const s = socket.socket();
  try {
    for (const port of [65536, 70000, -1, 2 ** 40]) {
      assert.throws(() => s.bind(['127.0.0.1', port]), { name: 'RangeError', message: 'bind(): port must be 0-65535.' });
    }
    assert.throws(() => s.connect(['127.0.0.1', 70000]), { name: 'RangeError', message: 'connect(): port must be 0-65535.' });
    assert.throws(() => s.connect_ex(['127.0.0.1', -5]), { name: 'RangeError', message: 'connect_ex(): port must be 0-65535.' });
    assert.throws(() => s.bind(['127.0.0.1', '80']), TypeError);
    assert.throws(() => s.bind(['127.0.0.1', 8.5]), TypeError);
    // The last valid port binds (or is taken): no validation error either way.
    s.bind(['127.0.0.1', 0]);
  } finally {
    s.close();
  }
});

test('an AF_INET address of the wrong shape is a TypeError with Python\'s message (behaviour 20)', () => {
  const s = socket.socket();
  try {
    assert.throws(() => s.bind('127.0.0.1'), { name: 'TypeError', message: 'bind(): AF_INET address must be tuple, not str' });
    assert.throws(() => s.bind(null), { name: 'TypeError', message: 'bind(): AF_INET address must be tuple, not null' });
    assert.throws(() => s.bind(['127.0.0.1']), { name: 'TypeError', message: /AF_INET address must be a pair \(host, port\)/ });
    assert.throws(() => s.bind(['127.0.0.1', 0, 0]), { name: 'TypeError', message: /AF_INET address must be a pair \(host, port\)/ });
    assert.throws(() => s.bind([42, 0]), { name: 'TypeError', message: /host must be a string/ });
    assert.throws(() => s.bind([Buffer.from('127.0.0.1'), 0]), TypeError);
  } finally {
    s.close();
  }
});

test('AF_INET6 takes 2- to 4-element addresses and always names itself with 4 (behaviour 21)', (t) => {
  const reason = skipReason(socket.AF_INET6);
  if (reason) return t.skip(reason);
  for (const addr of [['::1', 0], ['::1', 0, 0], ['::1', 0, 0, 0]]) {
    const s = socket.socket(socket.AF_INET6);
    try {
      s.bind(addr);
      const name = s.getsockname() as unknown[];
      assert.equal(name.length, 4);
      assert.equal(name[0], '::1');
      assert.deepEqual(name.slice(2), [0, 0]);
    } finally {
      s.close();
    }
  }
  const s = socket.socket(socket.AF_INET6);
  try {
    assert.throws(() => s.bind(['::1', 0, 0, 0, 0]),
      { name: 'TypeError', message: /AF_INET6 address must be a tuple \(host, port\[, flowinfo\[, scopeid\]\]\)/ });
    assert.throws(() => s.bind(['::1']), TypeError);
    assert.throws(() => s.bind('::1'), { name: 'TypeError', message: /AF_INET6 address must be tuple, not str/ });
    assert.throws(() => s.bind(['::1', 65536]), { name: 'RangeError', message: 'bind(): port must be 0-65535.' });
    assert.throws(() => s.bind(['::1', 0, 0, 2 ** 32]), { name: 'RangeError', message: /scope_id must be 0-4294967295/ });
    // A flowinfo given to bind is not echoed back.
    s.bind(['::1', 0, 5]);
    assert.equal((s.getsockname() as unknown[])[2], 0);
  } finally {
    s.close();
  }
});

test('flowinfo outside 0-1048575 is RangeError "bind(): flowinfo must be 0-1048575." (test_socket: GeneralModuleTests.test_flowinfo)', (t) => {
  const reason = skipReason(socket.AF_INET6);
  if (reason) return t.skip(reason);
  const s = socket.socket(socket.AF_INET6);
  try {
    for (const fi of [0xfffff + 1, 0xffffffff, -1]) {
      assert.throws(() => s.bind(['::1', 0, fi]), { name: 'RangeError', message: 'bind(): flowinfo must be 0-1048575.' });
    }
    s.bind(['::1', 0, 0xfffff]);
  } finally {
    s.close();
  }
});

test('\'\' is the wildcard and \'<broadcast>\' INADDR_BROADCAST (test_socket: GeneralModuleTests.testSockName, behaviour 23)', () => {
  const s = socket.socket();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.bind(['', 0]);
    assert.equal((s.getsockname() as [string, number])[0], '0.0.0.0');
    // A datagram to '<broadcast>' needs SO_BROADCAST: without it EACCES proves the address was 255.255.255.255.
    assert.throws(() => u.sendto(Buffer.from('x'), ['<broadcast>', 9]), (e: unknown) => e instanceof socket.PermissionError);
    // connect() to '<broadcast>' records it as the peer.
    u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
    u.connect(['<broadcast>', 9]);
    assert.deepEqual(u.getpeername(), ['255.255.255.255', 9]);
    const r6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    try {
      assert.throws(() => r6.connect(['<broadcast>', 9]), socket.OSError);
    } finally {
      r6.close();
    }
  } finally {
    closeAll(s, u, r);
  }
});

test('host names resolve through the system resolver (localhost) (test_socket: GeneralModuleTests.testSockName)', () => {
  const s = socket.socket();
  try {
    s.bind(['localhost', 0]);
    assert.equal((s.getsockname() as [string, number])[0], '127.0.0.1');
  } finally {
    s.close();
  }
});

test('numeric hosts are strict: a malformed literal is not silently another address', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.bind(['127.0.0.1', 0]);
    // '127.1' is a legal inet_aton form (127.0.0.1) that getaddrinfo also accepts.
    const r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    try {
      r.connect(['127.1', (s.getsockname() as [string, number])[1]]);
      assert.deepEqual(r.getpeername(), s.getsockname());
    } finally {
      r.close();
    }
  } finally {
    s.close();
  }
});

test('every call on a closed socket raises OSError EBADF (test_socket: GeneralModuleTests.testSendAfterClose, use-after-close)', () => {
  const s = socket.socket();
  s.close();
  assert.throws(() => s.bind(['127.0.0.1', 0]), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.connect(['127.0.0.1', 9]), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.getsockname(), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.getpeername(), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.shutdown(socket.SHUT_RDWR), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.accept(), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.dup(), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
});
