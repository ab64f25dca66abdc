/**
 * sendmsg / recvmsg / recvmsg_into (CPython test_socket: SendmsgTests,
 * RecvmsgGenericTests, RecvmsgTests, RecvmsgIntoTests and their stream
 * variants, CmsgMacroTests, RFC3542AncillaryTest), built as CPython builds
 * them: one generic body x transports (UDP, UDP6, UDPLITE, UDPLITE6, TCP,
 * UnixStream) x (recvmsg | recvmsg_into). Every send here fits the socket
 * buffer, so client and server halves run in turn on one thread.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import {
  MSG, SIZEOF_INT, type DoRecvmsg, type Pair, type Transport, checkFlags, transports, viaRecvmsg, viaRecvmsgInto,
} from './peers/messages-common.js';

checkNoLeaks();

/** Runs `body` on a fresh pair of `t`, closing it afterwards. */
function withPair(t: Transport, body: (p: Pair) => void): () => void {
  return () => {
    const p = t.make();
    try {
      p.serv.settimeout(10); // SendrecvmsgServerTimeoutBase: a failing test ends, never hangs
      body(p);
    } finally {
      p.close();
    }
  };
}

function* gen<T>(items: T[]): Generator<T> {
  for (const x of items) yield x;
}

// ---- CmsgMacroTests ---------------------------------------------------------------

const LIMIT = 0x7fffffff;

test('CMSG_LEN is consistent and range-checked (test_socket: CmsgMacroTests.testCMSG_LEN)', () => {
  const toobig = LIMIT - socket.CMSG_LEN(0) + 1;
  assert.ok(socket.CMSG_LEN(0) > SIZEOF_INT * 2);
  const values = [...Array(257).keys(), ...Array.from({ length: 257 }, (_, i) => toobig - 257 + i)];
  for (const n of values) {
    const r = socket.CMSG_LEN(n);
    assert.equal(r - socket.CMSG_LEN(0), n);
    assert.ok(r <= LIMIT);
  }
  assert.throws(() => socket.CMSG_LEN(-1), RangeError);
  assert.throws(() => socket.CMSG_LEN(toobig), RangeError);
  assert.throws(() => socket.CMSG_LEN(Number.MAX_SAFE_INTEGER), RangeError);
  assert.throws(() => socket.CMSG_LEN('1' as unknown as number), TypeError);
  assert.throws(() => socket.CMSG_LEN(1.5), TypeError);
});

test('CMSG_SPACE grows monotonically and is range-checked (test_socket: CmsgMacroTests.testCMSG_SPACE)', () => {
  const toobig = LIMIT - socket.CMSG_SPACE(1) + 1;
  let last = socket.CMSG_SPACE(0);
  assert.ok(last > SIZEOF_INT * 2);
  const values = [...Array(257).keys(), ...Array.from({ length: 257 }, (_, i) => toobig - 257 + i)];
  for (const n of values) {
    const r = socket.CMSG_SPACE(n);
    assert.ok(r >= last);
    assert.ok(r >= socket.CMSG_LEN(n));
    assert.ok(r >= n + socket.CMSG_LEN(0));
    assert.ok(r <= LIMIT);
    last = r;
  }
  assert.throws(() => socket.CMSG_SPACE(-1), RangeError);
  assert.throws(() => socket.CMSG_SPACE(toobig), RangeError);
  assert.throws(() => socket.CMSG_SPACE(Number.MAX_SAFE_INTEGER), RangeError);
});

test('CMSG_LEN/CMSG_SPACE agree with python3 (differential)', async () => {
  const { python } = await import('./helpers/python.js');
  const sizes = [0, 1, 3, 4, 7, 8, 12, 16, 20, 100, 1000];
  const py = python<[number[], number[]]>(`import socket, json; s=${JSON.stringify(sizes)}; print(json.dumps([[socket.CMSG_LEN(n) for n in s],[socket.CMSG_SPACE(n) for n in s]]))`);
  assert.deepEqual([sizes.map(socket.CMSG_LEN), sizes.map(socket.CMSG_SPACE)], py);
});

// ---- SendmsgTests x transports -------------------------------------------------------

for (const t of transports) {
  const cls = `Sendmsg${t.name}Test`;
  const opts = { skip: t.skip() ?? false };
  const name = (m: string, what: string): string => `${what} (test_socket: ${cls}.${m})`;

  test(name('testSendmsg', 'sendmsg sends one buffer'), opts, withPair(t, (p) => {
    assert.equal(p.sendmsgToServer([MSG]), MSG.length);
    assert.deepEqual(p.serv.recv(MSG.length), MSG);
  }));

  test(name('testSendmsgDataGenerator', 'sendmsg takes the buffers from a generator'), opts, withPair(t, (p) => {
    assert.equal(p.sendmsgToServer(gen([MSG])), MSG.length);
    assert.deepEqual(p.serv.recv(MSG.length), MSG);
  }));

  test(name('testSendmsgAncillaryGenerator', 'sendmsg takes (empty) ancillary data from a generator'), opts, withPair(t, (p) => {
    assert.equal(p.sendmsgToServer([MSG], gen([])), MSG.length);
    assert.deepEqual(p.serv.recv(MSG.length), MSG);
  }));

  test(name('testSendmsgArray', 'sendmsg sends typed arrays and ArrayBuffers'), opts, withPair(t, (p) => {
    const u8 = new Uint8Array(MSG);
    assert.equal(p.sendmsgToServer([u8]), MSG.length);
    assert.deepEqual(p.serv.recv(MSG.length), MSG);
    const u16 = new Uint16Array(u8.buffer.slice(0, 8));
    assert.equal(p.sendmsgToServer([u16, new DataView(u8.buffer, 8, 4), u8.buffer.slice(12)]), MSG.length);
    assert.deepEqual(p.serv.recv(MSG.length), MSG);
  }));

  test(name('testSendmsgGather', 'sendmsg gathers several buffers in order'), opts, withPair(t, (p) => {
    assert.equal(p.sendmsgToServer([MSG.subarray(0, 3), MSG.subarray(3)]), MSG.length);
    assert.deepEqual(p.serv.recv(MSG.length), MSG);
  }));

  test(name('testSendmsgBadArgs', 'sendmsg refuses non-iterables and non-buffers before sending'), opts, withPair(t, (p) => {
    const send = p.cli.sendmsg as (...a: unknown[]) => number;
    assert.throws(() => send.call(p.cli), TypeError);
    assert.throws(() => p.sendmsgToServer(42), TypeError);
    assert.throws(() => p.sendmsgToServer(Buffer.from('not in an iterable')), TypeError);
    assert.throws(() => p.sendmsgToServer('not in an iterable'), TypeError);
    assert.throws(() => p.sendmsgToServer({}), TypeError);
    assert.throws(() => p.sendmsgToServer([{}]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG, {}]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG, 'text']), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], {}), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [], {}), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [], 0, {}), TypeError);
    p.sendToServer(Buffer.from('done'));
    // Nothing but "done" arrived: every refusal came before the system call.
    assert.deepEqual(p.serv.recv(1000), Buffer.from('done'));
  }));

  test(name('testSendmsgBadCmsg', 'sendmsg refuses malformed ancillary items'), opts, withPair(t, (p) => {
    assert.throws(() => p.sendmsgToServer([MSG], [{}]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[{}, 0, Buffer.from('data')]]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[0, {}, Buffer.from('data')]]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[0, 0, {}]]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[0, 0, 'data']]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[0, 0]]), /length 3, not 2/);
    assert.throws(() => p.sendmsgToServer([MSG], [[0, 0, Buffer.from('data'), 42]]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[0.5, 0, Buffer.from('data')]]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[2 ** 40, 0, Buffer.from('data')]]), RangeError);
    p.sendToServer(Buffer.from('done'));
    assert.deepEqual(p.serv.recv(1000), Buffer.from('done'));
  }));

  test(name('testSendmsgBadMultiCmsg', 'sendmsg refuses a bad item after a good one'), opts, withPair(t, (p) => {
    assert.throws(() => p.sendmsgToServer([MSG], [0, 0, Buffer.alloc(0)]), TypeError);
    assert.throws(() => p.sendmsgToServer([MSG], [[0, 0, Buffer.alloc(0)], {}]), TypeError);
    p.sendToServer(Buffer.from('done'));
    assert.deepEqual(p.serv.recv(1000), Buffer.from('done'));
  }));

  test(name('testSendmsgAfterClose', 'sendmsg on a closed socket raises OSError'), opts, withPair(t, (p) => {
    p.cli.close();
    assert.throws(() => p.sendmsgToServer([MSG]), (e: unknown) => e instanceof socket.OSError && e.errno === 9);
  }));

  if (t.stream) {
    test(name('testSendmsgExplicitNoneAddr', 'sendmsg takes null as "no address"'), opts, withPair(t, (p) => {
      assert.equal(p.sendmsgToServer([MSG], [], 0, null), MSG.length);
      assert.deepEqual(p.serv.recv(MSG.length), MSG);
    }));

    test(name('testSendmsgTimeout', 'sendmsg raises TimeoutError when the peer stops reading'), opts, withPair(t, (p) => {
      p.cli.settimeout(0.03);
      const chunk = Buffer.alloc(512, 'a');
      let timedOut = false;
      for (let i = 0; i < 1_000_000 && !timedOut; i++) {
        try {
          p.sendmsgToServer([chunk]);
        } catch (e) {
          assert.ok(e instanceof socket.TimeoutError, String(e));
          assert.equal(e.errno, null);
          timedOut = true;
        }
      }
      assert.ok(timedOut, 'TimeoutError not raised');
      assert.deepEqual(p.serv.recv(512), chunk);
    }));

    test(name('testSendmsgDontWait', 'sendmsg with MSG_DONTWAIT raises EAGAIN instead of blocking'), opts, withPair(t, (p) => {
      const chunk = Buffer.alloc(512, 'a');
      let err: unknown = null;
      for (let i = 0; i < 1_000_000 && err === null; i++) {
        try {
          p.sendmsgToServer([chunk], [], socket.MSG_DONTWAIT);
        } catch (e) {
          err = e;
        }
      }
      assert.ok(err instanceof socket.BlockingIOError, String(err));
      assert.deepEqual(p.serv.recv(512), chunk);
    }));
  } else {
    test(name('testSendmsgNoDestAddr', 'sendmsg without a destination fails on an unconnected socket'), opts, withPair(t, (p) => {
      assert.throws(() => p.cli.sendmsg([MSG]), socket.OSError);
      assert.throws(() => p.cli.sendmsg([MSG], [], 0, null), socket.OSError);
    }));
  }
}

// ---- RecvmsgGenericTests / RecvmsgTests / RecvmsgIntoTests x transports ----------------

const methods: Array<[string, DoRecvmsg]> = [['Recvmsg', viaRecvmsg], ['RecvmsgInto', viaRecvmsgInto]];

for (const t of transports) {
  for (const [prefix, doRecvmsg] of methods) {
    const cls = `${prefix}${t.name}Test`;
    const opts = { skip: t.skip() ?? false };
    const name = (m: string, what: string): string => `${what} (test_socket: ${cls}.${m})`;

    const simple = (m: string, what: string, send: (p: Pair) => void, args: number[], bufsize: (n: number) => number,
      eor: boolean, expect: (msg: Buffer) => Buffer): void => {
      test(name(m, what), opts, withPair(t, (p) => {
        send(p);
        const [msg, anc, flags, addr] = doRecvmsg(p.serv, bufsize(MSG.length), ...args);
        assert.deepEqual(msg, expect(MSG));
        p.checkAddress(addr);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor });
      }));
    };
    const sendPlain = (p: Pair): void => { p.sendToServer(MSG); };
    simple('testRecvmsg', 'receives one message', sendPlain, [], (n) => n, true, (m) => m);
    simple('testRecvmsgExplicitDefaults', 'takes the defaults given explicitly', sendPlain, [0, 0], (n) => n, true, (m) => m);
    simple('testRecvmsgShorter', 'receives a message shorter than the buffer', sendPlain, [], (n) => n + 42, true, (m) => m);
    simple('testRecvmsgTrunc', 'truncates a longer message and says so', sendPlain, [], (n) => n - 3, false, (m) => m.subarray(0, -3));
    simple('testRecvmsgShortAncillaryBuf', 'accepts a 1-byte ancillary buffer', sendPlain, [1], (n) => n, true, (m) => m);
    simple('testRecvmsgLongAncillaryBuf', 'accepts a 10240-byte ancillary buffer', sendPlain, [10240], (n) => n, true, (m) => m);
    simple('testRecvmsgFromSendmsg', 'receives what sendmsg gathered',
      (p) => { assert.equal(p.sendmsgToServer([MSG.subarray(0, 3), MSG.subarray(3)]), MSG.length); },
      [], (n) => n, true, (m) => m);

    test(name('testRecvmsgAfterClose', 'raises OSError on a closed socket'), opts, withPair(t, (p) => {
      p.serv.close();
      assert.throws(() => doRecvmsg(p.serv, 1024), socket.OSError);
    }));

    test(name('testRecvmsgTimeout', 'raises TimeoutError when nothing comes'), opts, withPair(t, (p) => {
      p.serv.settimeout(0.03);
      assert.throws(() => doRecvmsg(p.serv, MSG.length), (e: unknown) => e instanceof socket.TimeoutError && e.errno === null);
    }));

    test(name('testRecvmsgPeek', 'MSG_PEEK leaves the data queued'), opts, withPair(t, (p) => {
      p.sendToServer(MSG);
      let [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length - 3, 0, socket.MSG_PEEK);
      assert.deepEqual(msg, MSG.subarray(0, -3));
      p.checkAddress(addr);
      assert.deepEqual(anc, []);
      checkFlags(t, flags, { eor: false, ignore: socket.MSG_TRUNC });
      [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, 0, socket.MSG_PEEK);
      assert.deepEqual(msg, MSG);
      checkFlags(t, flags, { eor: true });
      [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length);
      assert.deepEqual(msg, MSG);
      p.checkAddress(addr);
      assert.deepEqual(anc, []);
      checkFlags(t, flags, { eor: true });
    }));

    if (t.stream) {
      test(name('testRecvmsgEOF', 'returns empty data once the peer closed'), opts, withPair(t, (p) => {
        p.cli.close();
        const [msg, anc, flags] = doRecvmsg(p.serv, 1024);
        assert.deepEqual(msg, Buffer.alloc(0));
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: null });
      }));

      test(name('testRecvmsgOverflow', 'receives a message in two chunks'), opts, withPair(t, (p) => {
        p.sendToServer(MSG);
        const [seg1, anc1, flags1] = doRecvmsg(p.serv, MSG.length - 3);
        assert.deepEqual(anc1, []);
        checkFlags(t, flags1, { eor: false });
        const [seg2, anc2, flags2] = doRecvmsg(p.serv, 1024);
        assert.deepEqual(anc2, []);
        checkFlags(t, flags2, { eor: true });
        assert.deepEqual(Buffer.concat([seg1, seg2]), MSG);
      }));
    }

    if (prefix === 'Recvmsg') {
      test(name('testRecvmsgBadArgs', 'refuses bad arguments, then works'), opts, withPair(t, (p) => {
        p.sendToServer(MSG);
        const recv = p.serv.recvmsg as (...a: unknown[]) => socket.RecvmsgResult;
        assert.throws(() => recv.call(p.serv), TypeError);
        assert.throws(() => recv.call(p.serv, -1, 0, 0), { name: 'RangeError', message: 'negative buffer size in recvmsg()' });
        assert.throws(() => recv.call(p.serv, MSG.length, -1, 0), { name: 'RangeError', message: 'invalid ancillary data buffer length' });
        assert.throws(() => recv.call(p.serv, [Buffer.alloc(10)], 0, 0), TypeError);
        assert.throws(() => recv.call(p.serv, {}, 0, 0), TypeError);
        assert.throws(() => recv.call(p.serv, MSG.length, {}, 0), TypeError);
        assert.throws(() => recv.call(p.serv, MSG.length, 0, {}), TypeError);
        const [msg, anc, flags, addr] = p.serv.recvmsg(MSG.length, 0, 0);
        assert.deepEqual(msg, MSG);
        p.checkAddress(addr);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: true });
      }));
    } else {
      test(name('testRecvmsgIntoBadArgs', 'refuses bad arguments, then works'), opts, withPair(t, (p) => {
        p.sendToServer(MSG);
        const buf = Buffer.alloc(MSG.length);
        const into = p.serv.recvmsg_into as (...a: unknown[]) => socket.RecvmsgIntoResult;
        assert.throws(() => into.call(p.serv), TypeError);
        assert.throws(() => into.call(p.serv, MSG.length, 0, 0), /must be an iterable/);
        assert.throws(() => into.call(p.serv, buf, 0, 0), /read-write buffers/);
        assert.throws(() => into.call(p.serv, [{}], 0, 0), TypeError);
        assert.throws(() => into.call(p.serv, ['I\'m not writable'], 0, 0), TypeError);
        assert.throws(() => into.call(p.serv, [buf, {}], 0, 0), TypeError);
        assert.throws(() => into.call(p.serv, [buf], -1, 0), RangeError);
        assert.throws(() => into.call(p.serv, [buf], {}, 0), TypeError);
        assert.throws(() => into.call(p.serv, [buf], 0, {}), TypeError);
        const [n, anc, flags, addr] = p.serv.recvmsg_into([buf], 0, 0);
        assert.equal(n, MSG.length);
        assert.deepEqual(buf, MSG);
        p.checkAddress(addr);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: true });
      }));

      test(name('testRecvmsgIntoGenerator', 'takes its buffers from a generator'), opts, withPair(t, (p) => {
        p.sendToServer(MSG);
        const buf = Buffer.alloc(MSG.length);
        const [n, anc, flags, addr] = p.serv.recvmsg_into(gen([buf]));
        assert.equal(n, MSG.length);
        assert.deepEqual(buf, MSG);
        p.checkAddress(addr);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: true });
      }));

      test(name('testRecvmsgIntoArray', 'receives into a typed array'), opts, withPair(t, (p) => {
        p.sendToServer(MSG);
        const arr = new Uint16Array(Math.ceil(MSG.length / 2));
        const [n, anc, flags] = p.serv.recvmsg_into([arr]);
        assert.equal(n, MSG.length);
        assert.deepEqual(Buffer.from(arr.buffer).subarray(0, n), MSG);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: true });
      }));

      test(name('testRecvmsgIntoScatter', 'scatters over several buffers and views in order'), opts, withPair(t, (p) => {
        p.sendToServer(Buffer.from('Mary had a little lamb'));
        const b1 = Buffer.from('----');
        const b2 = Buffer.from('0123456789');
        const b3 = Buffer.from('--------------');
        const [n, anc, flags, addr] = p.serv.recvmsg_into([b1, new DataView(b2.buffer, b2.byteOffset + 2, 7), b3]);
        assert.equal(n, 'Mary had a little lamb'.length);
        assert.equal(b1.toString(), 'Mary');
        assert.equal(b2.toString(), '01 had a 9');
        assert.equal(b3.toString(), 'little lamb---');
        p.checkAddress(addr);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: true });
      }));
    }
  }
}

// ---- RFC3542AncillaryTest x (UDP6, UDPLITE6) x (recvmsg, recvmsg_into) ----------------

const HOP_LIMIT = 2;
const TRAFFIC_CLASS = -1;

function intOf(data: Buffer): number {
  assert.equal(data.length, SIZEOF_INT);
  return socket.ancillary.decodeInt(data);
}

function int(v: number): Int32Array {
  return Int32Array.of(v);
}

for (const t of transports.filter((x) => x.name === 'UDP6' || x.name === 'UDPLITE6')) {
  for (const [prefix, doRecvmsg] of methods) {
    const cls = `${prefix}RFC3542Ancillary${t.name}Test`;
    const opts = { skip: t.skip() ?? skipReason(socket.AF_INET6, socket.SOCK_DGRAM) ?? false };
    const name = (m: string, what: string): string => `${what} (test_socket: ${cls}.${m})`;
    const V6 = socket.IPPROTO_IPV6;

    const mapping = (anc: socket.AncillaryItem[]): Map<string, Buffer> => {
      const d = new Map<string, Buffer>();
      for (const [l, ty, data] of anc) {
        assert.ok(!d.has(`${l}/${ty}`), 'an item appears twice');
        d.set(`${l}/${ty}`, data);
      }
      return d;
    };

    const checkHopLimit = (p: Pair, ancbufsize: number, send: () => void, maxhop = 255, ignore = 0): void => {
      p.serv.setsockopt(V6, socket.IPV6_RECVHOPLIMIT, 1);
      send();
      const [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, ancbufsize);
      assert.deepEqual(msg, MSG);
      p.checkAddress(addr);
      checkFlags(t, flags, { eor: true, checkunset: socket.MSG_CTRUNC, ignore });
      assert.equal(anc.length, 1);
      const [level, type, data] = anc[0]!;
      assert.equal(level, V6);
      assert.equal(type, socket.IPV6_HOPLIMIT);
      assert.ok(Buffer.isBuffer(data));
      const hop = intOf(data);
      assert.ok(hop >= 0 && hop <= maxhop, `hop limit ${hop}`);
    };

    const checkTclassHop = (p: Pair, ancbufsize: number, send: () => void, maxhop = 255): void => {
      p.serv.setsockopt(V6, socket.IPV6_RECVHOPLIMIT, 1);
      p.serv.setsockopt(V6, socket.IPV6_RECVTCLASS, 1);
      send();
      const [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, ancbufsize);
      assert.deepEqual(msg, MSG);
      p.checkAddress(addr);
      checkFlags(t, flags, { eor: true, checkunset: socket.MSG_CTRUNC });
      assert.equal(anc.length, 2);
      const m = mapping(anc);
      const tc = intOf(m.get(`${V6}/${socket.IPV6_TCLASS}`)!);
      assert.ok(tc >= 0 && tc <= 255);
      const hop = intOf(m.get(`${V6}/${socket.IPV6_HOPLIMIT}`)!);
      assert.ok(hop >= 0 && hop <= maxhop);
    };

    test(name('testRecvHopLimit', 'receives the hop limit'), opts, withPair(t, (p) => {
      checkHopLimit(p, 10240, () => p.sendToServer(MSG));
    }));
    test(name('testRecvHopLimitCMSG_SPACE', 'receives the hop limit into CMSG_SPACE(int)'), opts, withPair(t, (p) => {
      checkHopLimit(p, socket.CMSG_SPACE(SIZEOF_INT), () => p.sendToServer(MSG));
    }));
    test(name('testSetHopLimit', 'a hop limit sent as ancillary data arrives'), opts, withPair(t, (p) => {
      checkHopLimit(p, 10240, () => {
        assert.equal(p.sendmsgToServer([MSG], [[V6, socket.IPV6_HOPLIMIT, int(HOP_LIMIT)]]), MSG.length);
      }, HOP_LIMIT);
    }));
    test(name('testRecvTrafficClassAndHopLimit', 'receives traffic class and hop limit'), opts, withPair(t, (p) => {
      checkTclassHop(p, 10240, () => p.sendToServer(MSG));
    }));
    test(name('testRecvTrafficClassAndHopLimitCMSG_SPACE', 'receives both into 2 x CMSG_SPACE(int)'), opts, withPair(t, (p) => {
      checkTclassHop(p, socket.CMSG_SPACE(SIZEOF_INT) * 2, () => p.sendToServer(MSG));
    }));
    test(name('testSetTrafficClassAndHopLimit', 'both sent as ancillary data arrive'), opts, withPair(t, (p) => {
      checkTclassHop(p, 10240, () => {
        assert.equal(p.sendmsgToServer([MSG], [[V6, socket.IPV6_TCLASS, int(TRAFFIC_CLASS)],
          [V6, socket.IPV6_HOPLIMIT, int(HOP_LIMIT)]]), MSG.length);
      }, HOP_LIMIT);
    }));
    test(name('testOddCmsgSize', 'an item one byte too long is refused by the kernel (EINVAL)'), opts, withPair(t, (p) => {
      checkTclassHop(p, 10240, () => {
        const odd = Buffer.concat([Buffer.from(int(TRAFFIC_CLASS).buffer), Buffer.alloc(1)]);
        let nbytes: number;
        try {
          nbytes = p.sendmsgToServer([MSG], [[V6, socket.IPV6_TCLASS, odd], [V6, socket.IPV6_HOPLIMIT, int(HOP_LIMIT)]]);
          assert.fail('Linux refuses the odd size');
        } catch (e) {
          assert.ok(e instanceof socket.OSError && typeof e.errno === 'number', String(e));
          nbytes = p.sendmsgToServer([MSG], [[V6, socket.IPV6_TCLASS, int(TRAFFIC_CLASS)], [V6, socket.IPV6_HOPLIMIT, int(HOP_LIMIT)]]);
        }
        assert.equal(nbytes, MSG.length);
      }, HOP_LIMIT);
    }));

    const truncatedHeader = (m: string, what: string, args: number[], ignore: number): void => {
      test(name(m, what), opts, withPair(t, (p) => {
        p.serv.setsockopt(V6, socket.IPV6_RECVHOPLIMIT, 1);
        p.sendToServer(MSG);
        const [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, ...args);
        assert.deepEqual(msg, MSG);
        p.checkAddress(addr);
        assert.deepEqual(anc, []);
        checkFlags(t, flags, { eor: true, checkset: socket.MSG_CTRUNC, ignore });
      }));
    };
    truncatedHeader('testCmsgTruncNoBufSize', 'no ancillary buffer: no items', [], socket.MSG_CTRUNC);
    truncatedHeader('testSingleCmsgTrunc0', 'ancillary buffer 0: no items', [0], socket.MSG_CTRUNC);
    truncatedHeader('testSingleCmsgTrunc1', 'ancillary buffer 1: no items, MSG_CTRUNC', [1], 0);
    truncatedHeader('testSingleCmsgTrunc2Int', 'ancillary buffer of 2 ints: no items, MSG_CTRUNC', [2 * SIZEOF_INT], 0);
    truncatedHeader('testSingleCmsgTruncLen0Minus1', 'ancillary buffer CMSG_LEN(0) - 1: no items, MSG_CTRUNC',
      [socket.CMSG_LEN(0) - 1], 0);

    test(name('testSingleCmsgTruncInData', 'an item cut inside its data comes back short, with MSG_CTRUNC'), opts, withPair(t, (p) => {
      p.serv.setsockopt(V6, socket.IPV6_RECVHOPLIMIT, 1);
      p.sendToServer(MSG);
      const [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, socket.CMSG_LEN(SIZEOF_INT) - 1);
      assert.deepEqual(msg, MSG);
      p.checkAddress(addr);
      checkFlags(t, flags, { eor: true, checkset: socket.MSG_CTRUNC });
      assert.ok(anc.length <= 1);
      if (anc.length === 1) {
        const [level, type, data] = anc[0]!;
        assert.equal(level, V6);
        assert.equal(type, socket.IPV6_HOPLIMIT);
        assert.ok(data.length < SIZEOF_INT);
      }
    }));

    const truncatedSecond = (m: string, what: string, ancbufsize: number, ignore: number): void => {
      test(name(m, what), opts, withPair(t, (p) => {
        p.serv.setsockopt(V6, socket.IPV6_RECVHOPLIMIT, 1);
        p.serv.setsockopt(V6, socket.IPV6_RECVTCLASS, 1);
        p.sendToServer(MSG);
        const [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, ancbufsize);
        assert.deepEqual(msg, MSG);
        p.checkAddress(addr);
        checkFlags(t, flags, { eor: true, checkset: socket.MSG_CTRUNC, ignore });
        assert.equal(anc.length, 1);
        const [level, type, data] = anc[0]!;
        assert.equal(level, V6);
        assert.ok(type === socket.IPV6_TCLASS || type === socket.IPV6_HOPLIMIT);
        const v = intOf(data);
        assert.ok(v >= 0 && v <= 255);
      }));
    };
    const S = socket.CMSG_SPACE(SIZEOF_INT);
    truncatedSecond('testSecondCmsgTrunc0', 'room for exactly one item: one item', S, socket.MSG_CTRUNC);
    truncatedSecond('testSecondCmsgTrunc1', 'one item and a byte: one item, MSG_CTRUNC', S + 1, 0);
    truncatedSecond('testSecondCmsgTrunc2Int', 'one item and 2 ints: one item, MSG_CTRUNC', S + 2 * SIZEOF_INT, 0);
    truncatedSecond('testSecondCmsgTruncLen0Minus1', 'one item and CMSG_LEN(0) - 1: one item, MSG_CTRUNC',
      S + socket.CMSG_LEN(0) - 1, 0);

    test(name('testSecondCmsgTruncInData', 'the second item cut inside its data comes back short'), opts, withPair(t, (p) => {
      p.serv.setsockopt(V6, socket.IPV6_RECVHOPLIMIT, 1);
      p.serv.setsockopt(V6, socket.IPV6_RECVTCLASS, 1);
      p.sendToServer(MSG);
      const [msg, anc, flags, addr] = doRecvmsg(p.serv, MSG.length, S + socket.CMSG_LEN(SIZEOF_INT) - 1);
      assert.deepEqual(msg, MSG);
      p.checkAddress(addr);
      checkFlags(t, flags, { eor: true, checkset: socket.MSG_CTRUNC });
      const types = new Set([socket.IPV6_TCLASS, socket.IPV6_HOPLIMIT]);
      const first = anc.shift()!;
      assert.equal(first[0], V6);
      assert.ok(types.delete(first[1]));
      const v = intOf(first[2]);
      assert.ok(v >= 0 && v <= 255);
      const second = anc.shift();
      if (second !== undefined) {
        assert.equal(second[0], V6);
        assert.ok(types.delete(second[1]));
        assert.ok(second[2].length < SIZEOF_INT);
      }
      assert.deepEqual(anc, []);
    }));
  }
}

// ---- IPv4 and SOL_SOCKET items, decoded by the typed helpers ---------------------------------

test('IP_PKTINFO, IP_RECVTTL, IP_RECVTOS and SO_TIMESTAMPNS decode through socket.ancillary', withPair(transports[0]!, (p) => {
  p.serv.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1);
  p.serv.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTTL, 1);
  p.serv.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1);
  p.serv.setsockopt(socket.SOL_SOCKET, socket.SO_TIMESTAMPNS, 1);
  p.cli.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10);
  const before = Date.now() / 1000;
  p.sendToServer(MSG);
  const [msg, anc, flags] = p.serv.recvmsg(MSG.length, 1024);
  assert.deepEqual(msg, MSG);
  assert.equal(flags & socket.MSG_CTRUNC, 0);
  const decoded = anc.map((item) => socket.ancillary.decodeAncillary(item));
  const byKind = new Map(decoded.map((d) => [d.kind, d]));
  const pk = byKind.get('pktinfo');
  assert.ok(pk?.kind === 'pktinfo');
  assert.equal(pk.value.addr, '127.0.0.1');
  assert.equal(pk.value.spec_dst, '127.0.0.1');
  assert.ok(pk.value.ifindex > 0);
  const ttl = byKind.get('ttl');
  assert.ok(ttl?.kind === 'ttl' && ttl.value === 64);
  const tos = byKind.get('tos');
  assert.ok(tos?.kind === 'tos' && tos.value === 0x10);
  const ts = byKind.get('timestampns');
  assert.ok(ts?.kind === 'timestampns');
  assert.ok(Math.abs(ts.value.sec - before) < 60 && ts.value.nsec >= 0 && ts.value.nsec < 1e9);
}));

test('IP_PKTINFO sent with sendmsg picks the source address (ancillary.pktinfoItem)', withPair(transports[0]!, (p) => {
  p.serv.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1);
  const unbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    const item = socket.ancillary.pktinfoItem({ spec_dst: '127.0.0.2' });
    assert.equal(unbound.sendmsg([MSG], [item], 0, p.servAddr), MSG.length);
    const [msg, , , addr] = p.serv.recvmsg(MSG.length, 1024);
    assert.deepEqual(msg, MSG);
    assert.equal((addr as [string, number])[0], '127.0.0.2');
  } finally {
    unbound.close();
  }
}));

test('SO_TIMESTAMP decodes as a timeval', withPair(transports[0]!, (p) => {
  p.serv.setsockopt(socket.SOL_SOCKET, socket.SO_TIMESTAMP, 1);
  p.sendToServer(MSG);
  const [, anc] = p.serv.recvmsg(MSG.length, 1024);
  assert.equal(anc.length, 1);
  const d = socket.ancillary.decodeAncillary(anc[0]!);
  assert.ok(d.kind === 'timestamp');
  assert.ok(d.value.sec > 1_600_000_000 && d.value.usec >= 0 && d.value.usec < 1e6);
}));

test('SCM_CREDENTIALS with SO_PASSCRED carries our pid/uid/gid, sent or implicit', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1);
    b.settimeout(10);
    const me = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() };
    a.sendmsg([MSG], [socket.ancillary.credentialsItem(me)]);
    let [msg, anc] = b.recvmsg(MSG.length, socket.CMSG_SPACE(12));
    assert.deepEqual(msg, MSG);
    assert.equal(anc.length, 1);
    assert.equal(anc[0]![0], socket.SOL_SOCKET);
    assert.equal(anc[0]![1], socket.SCM_CREDENTIALS);
    assert.deepEqual(socket.ancillary.decodeCredentials(anc[0]![2]), me);
    a.send(MSG); // the kernel attaches them itself when SO_PASSCRED is on
    [msg, anc] = b.recvmsg(MSG.length, socket.CMSG_SPACE(12));
    assert.deepEqual(socket.ancillary.decodeCredentials(anc[0]![2]), me);
    // Someone else's pid is refused (EPERM) unless privileged: never silently sent.
    const other = { ...me, pid: 1 };
    try {
      a.sendmsg([MSG], [socket.ancillary.credentialsItem(other)]);
      [, anc] = b.recvmsg(MSG.length, socket.CMSG_SPACE(12));
      assert.deepEqual(socket.ancillary.decodeCredentials(anc[0]![2]), other);
    } catch (e) {
      assert.ok(e instanceof socket.PermissionError, String(e));
    }
  } finally {
    a.close();
    b.close();
  }
});

test('IP_RECVERR: an ICMP port unreachable is read from the error queue and decoded', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    closed.bind(['127.0.0.1', 0]);
    const dead = closed.getsockname();
    closed.close();
    s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVERR, 1);
    s.settimeout(10);
    s.sendto(MSG, dead);
    // The error lands in the queue asynchronously; poll it boundedly.
    let res: socket.RecvmsgResult | null = null;
    for (let i = 0; i < 200 && res === null; i++) {
      try {
        res = s.recvmsg(MSG.length, 1024, socket.MSG_ERRQUEUE);
      } catch (e) {
        assert.ok(e instanceof socket.OSError);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
    assert.ok(res !== null, 'nothing in the error queue');
    const [data, anc, flags] = res;
    assert.deepEqual(data, MSG);
    assert.ok(flags & socket.MSG_ERRQUEUE);
    const d = socket.ancillary.decodeAncillary(anc[0]!);
    assert.ok(d.kind === 'recverr');
    assert.equal(d.value.ee_errno, 111); // ECONNREFUSED
    assert.equal(d.value.ee_origin, 2); // SO_EE_ORIGIN_ICMP
    assert.equal(d.value.ee_type, 3); // ICMP_DEST_UNREACH
    assert.equal(d.value.ee_code, 3); // ICMP_PORT_UNREACH
    assert.deepEqual(d.value.offender, ['127.0.0.1', 0]);
  } finally {
    s.close();
    closed.close();
  }
});

test('typed helpers refuse data too short for their struct', () => {
  assert.throws(() => socket.ancillary.decodeCredentials(Buffer.alloc(11)), RangeError);
  assert.throws(() => socket.ancillary.decodePktinfo(Buffer.alloc(4)), RangeError);
  assert.throws(() => socket.ancillary.decodePktinfo6(Buffer.alloc(19)), RangeError);
  assert.throws(() => socket.ancillary.decodeExtendedErr(Buffer.alloc(15)), RangeError);
  assert.throws(() => socket.ancillary.decodeTimeval(Buffer.alloc(7)), RangeError);
  assert.deepEqual(socket.ancillary.decodeFds(Buffer.alloc(7)), [0]);
  assert.deepEqual(socket.ancillary.decodePktinfo6(socket.ancillary.pktinfo6Item({ addr: '::1', ifindex: 7 })[2]),
    { addr: '::1', ifindex: 7 });
});
