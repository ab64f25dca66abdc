/**
 * Constants: differential against the running python3's socket module (every
 * integer constant it exports must exist here with the same value), the enum
 * groupings (CPython's test_*_enum), and the names CPython's tests call
 * crucial.
 */
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { python } from './helpers/python.js';

checkNoLeaks();

const mod = socket as unknown as Record<string, unknown>;

type Groups = 'AddressFamily' | 'SocketKind' | 'MsgFlag' | 'AddressInfo';
interface PythonDump {
  version: string;
  constants: Record<string, number>;
  enums: Record<Groups, Record<string, number>>;
  canonical16: string;
  flagNames: Array<[number, string]>;
}

// One run of python3 for the whole file: its constants, its enum members
// (aliases included, as __members__ lists them), and how MsgFlag names every
// pair of its members and a member plus an unknown bit.
const py = python<PythonDump>(`
import itertools, json, socket, sys
consts = {k: int(getattr(socket, k)) for k in dir(socket)
          if k[:1].isalpha() and k.isupper() and k not in ('CMSG_LEN', 'CMSG_SPACE', 'CAPI')
          and type(getattr(socket, k)) is not bool and isinstance(getattr(socket, k), int)}
enums = {e: {n: int(m) for n, m in getattr(socket, e).__members__.items()}
         for e in ('AddressFamily', 'SocketKind', 'MsgFlag', 'AddressInfo')}
flags = [int(m) for m in socket.MsgFlag]
values = [a | b for a, b in itertools.combinations(flags, 2)] + [socket.MSG_PEEK | (1 << 40)]
print(json.dumps({'version': sys.version.split()[0], 'constants': consts, 'enums': enums,
                  'canonical16': socket.AddressFamily(16).name,
                  'flagNames': [[v, socket.MsgFlag(v).name] for v in values]}))
`);

// CPython writes these numbers itself because no installed header has them:
// ALG_SET_PUBKEY / ALG_OP_SIGN / ALG_OP_VERIFY come from an asymmetric-cipher
// interface never merged into Linux's <linux/if_alg.h>, and the UDPLITE_*
// options live in the kernel-internal <net/udplite.h>.  Our values come from
// the headers only, so these are absent.
const NOT_IN_HEADERS = ['ALG_OP_SIGN', 'ALG_OP_VERIFY', 'ALG_SET_PUBKEY', 'UDPLITE_RECV_CSCOV', 'UDPLITE_SEND_CSCOV'];
// BlueZ's names: present when the addon was built with <bluetooth/bluetooth.h>.
const BLUEZ = ['BTPROTO_L2CAP', 'BTPROTO_HCI', 'BTPROTO_SCO', 'BTPROTO_RFCOMM', 'SOL_HCI',
  'HCI_FILTER', 'HCI_TIME_STAMP', 'HCI_DATA_DIR'];
const haveBluez = typeof mod['BTPROTO_RFCOMM'] === 'number';
// Enum members we have beyond this Python's: names other builds or versions
// of CPython export (AF_BLUETOOTH) and the Linux extras of
// scripts/gen-constants.py that fall under the enums' prefixes.
const EXTRA_MEMBERS = new Set(['AF_BLUETOOTH', 'MSG_WAITFORONE', 'MSG_ZEROCOPY']);

test('every integer constant of python3 socket exists with the same value', (t) => {
  const skipped = new Set(haveBluez ? [] : BLUEZ);
  const names = Object.keys(py.constants).filter((n) => !skipped.has(n));
  const wrong: string[] = [];
  for (const name of names) {
    if (mod[name] !== py.constants[name]) wrong.push(`${name}: python ${py.constants[name]}, ours ${String(mod[name])}`);
  }
  t.diagnostic(`python ${py.version}: compared ${names.length} of its ${Object.keys(py.constants).length} constants`);
  assert.deepEqual(wrong, []);
});

test('names CPython defines without a header (ALG_OP_SIGN, UDPLITE_*)', () => {
  for (const name of NOT_IN_HEADERS.filter((n) => n in py.constants)) {
    assert.equal(mod[name], py.constants[name], name);
  }
});

test('testBluetoothConstants', { skip: haveBluez ? false : 'addon built without the BlueZ headers' }, () => {
  for (const name of ['AF_BLUETOOTH', ...BLUEZ]) assert.equal(typeof mod[name], 'number', name);
  for (const name of BLUEZ.filter((n) => n in py.constants)) assert.equal(mod[name], py.constants[name], name);
});

test('the generated module: constantNames and its exports agree', (t) => {
  const names = socket.constantNames;
  assert.ok(Object.isFrozen(names));
  assert.deepEqual([...names], [...new Set(names)].sort(), 'sorted and unique');
  let present = 0;
  for (const name of names) {
    const v = mod[name];
    if (v === undefined) continue;
    present++;
    assert.ok(Number.isSafeInteger(v), `${name} is an integer`);
  }
  t.diagnostic(`${names.length} names generated, ${present} present on this platform`);
  // Values beyond int32 come out as Python shows them, not wrapped.
  assert.equal(socket.INADDR_NONE, 0xffffffff);
  assert.equal(socket.INADDR_MAX_LOCAL_GROUP, 3758096639);
  assert.equal(socket.VMADDR_CID_ANY, 4294967295);
  assert.equal(socket.CAN_EFF_FLAG, 0x80000000);
});

test('testCrucialConstants', () => {
  for (const name of ['AF_INET', 'AF_INET6', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM',
    'SOCK_SEQPACKET', 'SOL_SOCKET', 'SO_REUSEADDR']) {
    assert.equal(typeof mod[name], 'number', name);
  }
});

test('testCrucialIpProtoConstants', () => {
  for (const name of ['IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6']) assert.equal(typeof mod[name], 'number', name);
});

test('testBCMConstants', () => {
  for (const op of ['TX_SETUP', 'TX_DELETE', 'TX_READ', 'TX_SEND', 'RX_SETUP', 'RX_DELETE', 'RX_READ',
    'TX_STATUS', 'TX_EXPIRED', 'RX_STATUS', 'RX_TIMEOUT', 'RX_CHANGED', 'SETTIMER', 'STARTTIMER',
    'TX_COUNTEVT', 'TX_ANNOUNCE', 'TX_CP_CAN_ID', 'RX_FILTER_ID', 'RX_CHECK_DLC', 'RX_NO_AUTOTIMER',
    'RX_ANNOUNCE_RESUME', 'TX_RESET_MULTI_IDX']) {
    assert.equal(typeof mod[`CAN_BCM_${op}`], 'number', `CAN_BCM_${op}`);
  }
  assert.equal(socket.CAN_BCM_TX_SETUP, 1);
  assert.equal(socket.CAN_BCM_RX_CHANGED, 12);
});

test('testJ1939Constants', () => {
  for (const name of ['CAN_J1939', 'J1939_MAX_UNICAST_ADDR', 'J1939_IDLE_ADDR', 'J1939_NO_ADDR',
    'J1939_NO_NAME', 'J1939_PGN_REQUEST', 'J1939_PGN_ADDRESS_CLAIMED', 'J1939_PGN_ADDRESS_COMMANDED',
    'J1939_PGN_PDU1_MAX', 'J1939_PGN_MAX', 'J1939_NO_PGN', 'SO_J1939_FILTER', 'SO_J1939_PROMISC',
    'SO_J1939_SEND_PRIO', 'SO_J1939_ERRQUEUE', 'SCM_J1939_DEST_ADDR', 'SCM_J1939_DEST_NAME',
    'SCM_J1939_PRIO', 'SCM_J1939_ERRQUEUE', 'J1939_NLA_PAD', 'J1939_NLA_BYTES_ACKED',
    'J1939_EE_INFO_NONE', 'J1939_EE_INFO_TX_ABORT', 'J1939_FILTER_MAX']) {
    assert.equal(typeof mod[name], 'number', name);
  }
});

test('testVSOCKConstants', () => {
  for (const name of ['AF_VSOCK', 'SO_VM_SOCKETS_BUFFER_SIZE', 'SO_VM_SOCKETS_BUFFER_MIN_SIZE',
    'SO_VM_SOCKETS_BUFFER_MAX_SIZE', 'VMADDR_CID_ANY', 'VMADDR_PORT_ANY', 'VMADDR_CID_HOST',
    'VM_SOCKETS_INVALID_VERSION', 'IOCTL_VM_SOCKETS_GET_LOCAL_CID']) {
    assert.equal(typeof mod[name], 'number', name);
  }
});

test('Linux extras the other modules rely on (netlink, packet, timestamps)', () => {
  assert.equal(socket.SOL_PACKET, 263);
  assert.equal(socket.NETLINK_ROUTE, 0);
  assert.equal(socket.NLMSG_DONE, 3);
  assert.equal(socket.NLMSG_HDRLEN, 16);
  assert.equal(socket.NLM_F_DUMP, socket.NLM_F_ROOT | socket.NLM_F_MATCH);
  assert.equal(socket.RTM_GETLINK, 18);
  assert.equal(socket.IFLA_IFNAME, 3);   // an enum member, not a macro
  assert.equal(socket.RTA_DST, 1);
  assert.equal(socket.MSG_ZEROCOPY, 0x4000000);
  assert.equal(socket.SO_TIMESTAMPNS, socket.SCM_TIMESTAMPNS);
  assert.equal(socket.ETH_P_ALL, 3);
});

/** CPython's test_*_enum: the enum is the module's constants of a prefix. */
function checkEnum(t: TestContext, group: Groups, prefix: string): void {
  const ours = socket[group];
  assert.ok(Object.isFrozen(ours));
  // Ours is exactly our constants of that prefix...
  const byRule = Object.keys(mod).filter((n) => n.startsWith(prefix) && typeof mod[n] === 'number').sort();
  assert.deepEqual(Object.keys(ours).sort(), byRule);
  for (const [name, value] of Object.entries(ours)) assert.equal(mod[name], value, name);
  // ...which are Python's members, same values, plus known extras only.
  const theirs = py.enums[group];
  for (const [name, value] of Object.entries(theirs)) assert.equal(ours[name], value, `${group}.${name}`);
  const extra = Object.keys(ours).filter((n) => !(n in theirs));
  t.diagnostic(`${group}: ${Object.keys(theirs).length} members in python, extra here: ${extra.join(' ') || 'none'}`);
  assert.deepEqual(extra.filter((n) => !EXTRA_MEMBERS.has(n)), []);
}

test('test_addressfamily_enum', (t) => {
  checkEnum(t, 'AddressFamily', 'AF_');
  assert.equal(socket.AF_ROUTE, socket.AF_NETLINK);
  assert.equal(socket.familyName(16), 'AF_NETLINK');
  assert.equal(socket.familyName(16), py.canonical16);
  assert.equal(socket.familyName(socket.AF_INET), 'AF_INET');
  assert.equal(socket.familyName(12345), '12345');
});

test('test_socketkind_enum', (t) => {
  checkEnum(t, 'SocketKind', 'SOCK_');
  assert.equal(socket.SocketKind['SOCK_NONBLOCK'], socket.SOCK_NONBLOCK);
  assert.equal(socket.SocketKind['SOCK_CLOEXEC'], socket.SOCK_CLOEXEC);
  assert.equal(socket.typeName(socket.SOCK_STREAM), 'SOCK_STREAM');
});

test('test_msgflag_enum', (t) => {
  checkEnum(t, 'MsgFlag', 'MSG_');
  assert.equal(socket.msgFlagNames(socket.MSG_PEEK | socket.MSG_WAITALL), 'MSG_PEEK|MSG_WAITALL');
  assert.equal(socket.msgFlagNames(socket.MSG_PEEK), 'MSG_PEEK');
  assert.equal(socket.msgFlagNames(0), '0');
  for (const [value, name] of py.flagNames) assert.equal(socket.msgFlagNames(value), name, String(value));
});

test('test_addressinfo_enum', (t) => {
  checkEnum(t, 'AddressInfo', 'AI_');
});
