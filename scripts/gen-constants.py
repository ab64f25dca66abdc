#!/usr/bin/env python3
"""Generate the constant tables of bsd-socket from the C headers.

    npm run gen:constants        (= python3 scripts/gen-constants.py)

Writes
  native/constants.gen.h  an X-macro list, BS_CONSTANT(NAME, C_EXPRESSION),
                          every entry guarded so that the file compiles on any
                          platform: the value is whatever the platform's
                          headers say, and a name they lack is simply absent;
  src/constants.gen.ts    one typed export per name, read from the addon.

Only NAMES are chosen here; no value is ever written down.  The names are
  (a) every integer constant of the running python3's `socket` module,
  (b) those of CPython 3.11 on Linux x86-64 (PYTHON_311 below, so the list
      does not depend on which Python regenerates it),
  (c) the 3.12/3.13 additions and the Bluetooth names (PYTHON_LATER),
  (d) a few Linux names Python lacks but our own code needs (EXTRA).

How each entry is guarded (it must be right on platforms we cannot run here):
  - a preprocessor macro on this machine:   #ifdef NAME
  - an enum member on this machine (no macro tells the preprocessor it
    exists): guarded by a macro of the same header, chosen from the header's
    own text, which proves that header (hence the enum) was included:
        #if defined(NAME) || (defined(SIBLING_MACRO))
    ("defined(NAME)" keeps the name on platforms where it is a macro).  This
    is done for kernel UAPI headers only; an enum of a C-library header needs
    a condition written in ENUM_GUARDS, or the generator stops;
  - unknown on this machine (e.g. Bluetooth without BlueZ headers):
    #ifdef NAME, i.e. exported wherever some header defines it as a macro.

The `select` module's constants (POLL*, EPOLL*, PIPE_BUF, and the KQ_* names
of the BSDs, spelled from the kqueue macros) get a list of their own,
native/select_constants.gen.h and src/select-constants.gen.ts, probed against
native/select.c's header block: every one is a macro, guarded by itself.

Run it on Linux with the kernel headers installed: the enum detection needs
the Linux headers to see the enums.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSTANTS_C = os.path.join(ROOT, 'native', 'constants.c')
GEN_H = os.path.join(ROOT, 'native', 'constants.gen.h')
GEN_TS = os.path.join(ROOT, 'src', 'constants.gen.ts')
SELECT_C = os.path.join(ROOT, 'native', 'select.c')
SELECT_GEN_H = os.path.join(ROOT, 'native', 'select_constants.gen.h')
SELECT_GEN_TS = os.path.join(ROOT, 'src', 'select-constants.gen.ts')
CC = os.environ.get('CC', 'cc')
# The same dialect and feature macros as binding.gyp, so the probes see what
# the addon will see.
CFLAGS = ['-std=gnu11', '-D_GNU_SOURCE']

# (b) CPython 3.11.7's socket module on Linux x86-64: its integer, upper-case
# names (CMSG_LEN, CMSG_SPACE and CAPI are functions/objects, not constants).
PYTHON_311 = """
AF_ALG AF_APPLETALK AF_ASH AF_ATMPVC AF_ATMSVC AF_AX25 AF_BRIDGE AF_CAN AF_ECONET
AF_INET AF_INET6 AF_IPX AF_IRDA AF_KEY AF_LLC AF_NETBEUI AF_NETLINK AF_NETROM AF_PACKET
AF_PPPOX AF_QIPCRTR AF_RDS AF_ROSE AF_ROUTE AF_SECURITY AF_SNA AF_TIPC AF_UNIX
AF_UNSPEC AF_VSOCK AF_WANPIPE AF_X25
AI_ADDRCONFIG AI_ALL AI_CANONNAME AI_NUMERICHOST AI_NUMERICSERV AI_PASSIVE AI_V4MAPPED
ALG_OP_DECRYPT ALG_OP_ENCRYPT ALG_OP_SIGN ALG_OP_VERIFY ALG_SET_AEAD_ASSOCLEN
ALG_SET_AEAD_AUTHSIZE ALG_SET_IV ALG_SET_KEY ALG_SET_OP ALG_SET_PUBKEY
CAN_BCM CAN_BCM_CAN_FD_FRAME CAN_BCM_RX_ANNOUNCE_RESUME CAN_BCM_RX_CHANGED
CAN_BCM_RX_CHECK_DLC CAN_BCM_RX_DELETE CAN_BCM_RX_FILTER_ID CAN_BCM_RX_NO_AUTOTIMER
CAN_BCM_RX_READ CAN_BCM_RX_RTR_FRAME CAN_BCM_RX_SETUP CAN_BCM_RX_STATUS
CAN_BCM_RX_TIMEOUT CAN_BCM_SETTIMER CAN_BCM_STARTTIMER CAN_BCM_TX_ANNOUNCE
CAN_BCM_TX_COUNTEVT CAN_BCM_TX_CP_CAN_ID CAN_BCM_TX_DELETE CAN_BCM_TX_EXPIRED
CAN_BCM_TX_READ CAN_BCM_TX_RESET_MULTI_IDX CAN_BCM_TX_SEND CAN_BCM_TX_SETUP
CAN_BCM_TX_STATUS CAN_EFF_FLAG CAN_EFF_MASK CAN_ERR_FLAG CAN_ERR_MASK CAN_ISOTP
CAN_J1939 CAN_RAW CAN_RAW_FD_FRAMES CAN_RAW_FILTER CAN_RAW_JOIN_FILTERS
CAN_RAW_LOOPBACK CAN_RAW_RECV_OWN_MSGS CAN_RTR_FLAG CAN_SFF_MASK
EAGAIN EBADF EWOULDBLOCK
EAI_ADDRFAMILY EAI_AGAIN EAI_BADFLAGS EAI_FAIL EAI_FAMILY EAI_MEMORY EAI_NODATA
EAI_NONAME EAI_OVERFLOW EAI_SERVICE EAI_SOCKTYPE EAI_SYSTEM
INADDR_ALLHOSTS_GROUP INADDR_ANY INADDR_BROADCAST INADDR_LOOPBACK
INADDR_MAX_LOCAL_GROUP INADDR_NONE INADDR_UNSPEC_GROUP
IOCTL_VM_SOCKETS_GET_LOCAL_CID
IPPORT_RESERVED IPPORT_USERRESERVED
IPPROTO_AH IPPROTO_DSTOPTS IPPROTO_EGP IPPROTO_ESP IPPROTO_FRAGMENT IPPROTO_GRE
IPPROTO_HOPOPTS IPPROTO_ICMP IPPROTO_ICMPV6 IPPROTO_IDP IPPROTO_IGMP IPPROTO_IP
IPPROTO_IPIP IPPROTO_IPV6 IPPROTO_MPTCP IPPROTO_NONE IPPROTO_PIM IPPROTO_PUP
IPPROTO_RAW IPPROTO_ROUTING IPPROTO_RSVP IPPROTO_SCTP IPPROTO_TCP IPPROTO_TP
IPPROTO_UDP IPPROTO_UDPLITE
IPV6_CHECKSUM IPV6_DONTFRAG IPV6_DSTOPTS IPV6_HOPLIMIT IPV6_HOPOPTS IPV6_JOIN_GROUP
IPV6_LEAVE_GROUP IPV6_MULTICAST_HOPS IPV6_MULTICAST_IF IPV6_MULTICAST_LOOP IPV6_NEXTHOP
IPV6_PATHMTU IPV6_PKTINFO IPV6_RECVDSTOPTS IPV6_RECVHOPLIMIT IPV6_RECVHOPOPTS
IPV6_RECVPATHMTU IPV6_RECVPKTINFO IPV6_RECVRTHDR IPV6_RECVTCLASS IPV6_RTHDR
IPV6_RTHDRDSTOPTS IPV6_RTHDR_TYPE_0 IPV6_TCLASS IPV6_UNICAST_HOPS IPV6_V6ONLY
IP_ADD_MEMBERSHIP IP_BIND_ADDRESS_NO_PORT IP_DEFAULT_MULTICAST_LOOP
IP_DEFAULT_MULTICAST_TTL IP_DROP_MEMBERSHIP IP_HDRINCL IP_MAX_MEMBERSHIPS
IP_MULTICAST_IF IP_MULTICAST_LOOP IP_MULTICAST_TTL IP_OPTIONS IP_RECVOPTS
IP_RECVRETOPTS IP_RECVTOS IP_RETOPTS IP_TOS IP_TRANSPARENT IP_TTL
J1939_EE_INFO_NONE J1939_EE_INFO_TX_ABORT J1939_FILTER_MAX J1939_IDLE_ADDR
J1939_MAX_UNICAST_ADDR J1939_NLA_BYTES_ACKED J1939_NLA_PAD J1939_NO_ADDR J1939_NO_NAME
J1939_NO_PGN J1939_PGN_ADDRESS_CLAIMED J1939_PGN_ADDRESS_COMMANDED J1939_PGN_MAX
J1939_PGN_PDU1_MAX J1939_PGN_REQUEST
MSG_CMSG_CLOEXEC MSG_CONFIRM MSG_CTRUNC MSG_DONTROUTE MSG_DONTWAIT MSG_EOR MSG_ERRQUEUE
MSG_FASTOPEN MSG_MORE MSG_NOSIGNAL MSG_OOB MSG_PEEK MSG_TRUNC MSG_WAITALL
NETLINK_CRYPTO NETLINK_DNRTMSG NETLINK_FIREWALL NETLINK_IP6_FW NETLINK_NFLOG
NETLINK_ROUTE NETLINK_USERSOCK NETLINK_XFRM
NI_DGRAM NI_MAXHOST NI_MAXSERV NI_NAMEREQD NI_NOFQDN NI_NUMERICHOST NI_NUMERICSERV
PACKET_BROADCAST PACKET_FASTROUTE PACKET_HOST PACKET_LOOPBACK PACKET_MULTICAST
PACKET_OTHERHOST PACKET_OUTGOING
PF_CAN PF_PACKET PF_RDS
SCM_CREDENTIALS SCM_J1939_DEST_ADDR SCM_J1939_DEST_NAME SCM_J1939_ERRQUEUE
SCM_J1939_PRIO SCM_RIGHTS
SHUT_RD SHUT_RDWR SHUT_WR
SOCK_CLOEXEC SOCK_DGRAM SOCK_NONBLOCK SOCK_RAW SOCK_RDM SOCK_SEQPACKET SOCK_STREAM
SOL_ALG SOL_CAN_BASE SOL_CAN_RAW SOL_IP SOL_RDS SOL_SOCKET SOL_TCP SOL_TIPC SOL_UDP
SOMAXCONN
SO_ACCEPTCONN SO_BINDTODEVICE SO_BROADCAST SO_DEBUG SO_DOMAIN SO_DONTROUTE SO_ERROR
SO_INCOMING_CPU SO_J1939_ERRQUEUE SO_J1939_FILTER SO_J1939_PROMISC SO_J1939_SEND_PRIO
SO_KEEPALIVE SO_LINGER SO_MARK SO_OOBINLINE SO_PASSCRED SO_PASSSEC SO_PEERCRED
SO_PEERSEC SO_PRIORITY SO_PROTOCOL SO_RCVBUF SO_RCVLOWAT SO_RCVTIMEO SO_REUSEADDR
SO_REUSEPORT SO_SNDBUF SO_SNDLOWAT SO_SNDTIMEO SO_TYPE SO_VM_SOCKETS_BUFFER_MAX_SIZE
SO_VM_SOCKETS_BUFFER_MIN_SIZE SO_VM_SOCKETS_BUFFER_SIZE
TCP_CONGESTION TCP_CORK TCP_DEFER_ACCEPT TCP_FASTOPEN TCP_INFO TCP_KEEPCNT TCP_KEEPIDLE
TCP_KEEPINTVL TCP_LINGER2 TCP_MAXSEG TCP_NODELAY TCP_NOTSENT_LOWAT TCP_QUICKACK
TCP_SYNCNT TCP_USER_TIMEOUT TCP_WINDOW_CLAMP
TIPC_ADDR_ID TIPC_ADDR_NAME TIPC_ADDR_NAMESEQ TIPC_CFG_SRV TIPC_CLUSTER_SCOPE
TIPC_CONN_TIMEOUT TIPC_CRITICAL_IMPORTANCE TIPC_DEST_DROPPABLE TIPC_HIGH_IMPORTANCE
TIPC_IMPORTANCE TIPC_LOW_IMPORTANCE TIPC_MEDIUM_IMPORTANCE TIPC_NODE_SCOPE
TIPC_PUBLISHED TIPC_SRC_DROPPABLE TIPC_SUBSCR_TIMEOUT TIPC_SUB_CANCEL TIPC_SUB_PORTS
TIPC_SUB_SERVICE TIPC_TOP_SRV TIPC_WAIT_FOREVER TIPC_WITHDRAWN TIPC_ZONE_SCOPE
UDPLITE_RECV_CSCOV UDPLITE_SEND_CSCOV
VMADDR_CID_ANY VMADDR_CID_HOST VMADDR_PORT_ANY
VM_SOCKETS_INVALID_VERSION
"""

# (c) Added by CPython 3.12/3.13 on Linux, and the Bluetooth names a build
# with the BlueZ headers exports.
PYTHON_LATER = """
ETHERTYPE_ARP ETHERTYPE_IP ETHERTYPE_IPV6 ETHERTYPE_VLAN ETH_P_ALL
IP_PKTINFO IP_ADD_SOURCE_MEMBERSHIP IP_DROP_SOURCE_MEMBERSHIP IP_BLOCK_SOURCE
IP_UNBLOCK_SOURCE NI_IDN SO_BINDTOIFINDEX
TCP_CC_INFO TCP_FASTOPEN_CONNECT TCP_FASTOPEN_KEY TCP_FASTOPEN_NO_COOKIE TCP_INQ
TCP_MD5SIG TCP_MD5SIG_EXT TCP_QUEUE_SEQ TCP_REPAIR TCP_REPAIR_OPTIONS TCP_REPAIR_QUEUE
TCP_REPAIR_WINDOW TCP_SAVED_SYN TCP_SAVE_SYN TCP_THIN_DUPACK TCP_THIN_LINEAR_TIMEOUTS
TCP_TIMESTAMP TCP_TX_DELAY TCP_ULP TCP_ZEROCOPY_RECEIVE
AF_BLUETOOTH BTPROTO_L2CAP BTPROTO_HCI BTPROTO_SCO BTPROTO_RFCOMM
SOL_HCI HCI_FILTER HCI_TIME_STAMP HCI_DATA_DIR
"""

# (d) Linux names Python lacks that our features need (timestamps, the error
# queue, zero-copy, UDP GSO/GRO, packet sockets, netlink dumps, ping).  Only
# names each header gives exactly one value.
EXTRA = """
SOL_IPV6 SOL_ICMPV6 SOL_RAW SOL_PACKET SOL_NETLINK
SO_TIMESTAMP SO_TIMESTAMPNS SO_TIMESTAMPING SCM_TIMESTAMP SCM_TIMESTAMPNS SCM_TIMESTAMPING
SOF_TIMESTAMPING_TX_HARDWARE SOF_TIMESTAMPING_TX_SOFTWARE SOF_TIMESTAMPING_RX_HARDWARE
SOF_TIMESTAMPING_RX_SOFTWARE SOF_TIMESTAMPING_SOFTWARE SOF_TIMESTAMPING_RAW_HARDWARE
SOF_TIMESTAMPING_OPT_ID SOF_TIMESTAMPING_OPT_TSONLY
SO_ZEROCOPY MSG_ZEROCOPY MSG_WAITFORONE SO_RXQ_OVFL SO_PEEK_OFF SO_BUSY_POLL
SO_SNDBUFFORCE SO_RCVBUFFORCE SO_ATTACH_FILTER SO_DETACH_FILTER SO_LOCK_FILTER
SO_COOKIE SO_INCOMING_NAPI_ID
IP_RECVERR IPV6_RECVERR IP_MTU_DISCOVER IP_MTU IP_PMTUDISC_DONT IP_PMTUDISC_WANT
IP_PMTUDISC_DO IP_PMTUDISC_PROBE IP_FREEBIND IP_RECVTTL IP_MULTICAST_ALL
IP_RECVORIGDSTADDR IPV6_MTU_DISCOVER IPV6_MTU IPV6_PMTUDISC_DONT IPV6_PMTUDISC_WANT
IPV6_PMTUDISC_DO IPV6_PMTUDISC_PROBE IPV6_RECVORIGDSTADDR IPV6_TRANSPARENT
SO_EE_ORIGIN_NONE SO_EE_ORIGIN_LOCAL SO_EE_ORIGIN_ICMP SO_EE_ORIGIN_ICMP6
SO_EE_ORIGIN_TXSTATUS SO_EE_ORIGIN_ZEROCOPY SO_EE_ORIGIN_TIMESTAMPING
SO_EE_CODE_ZEROCOPY_COPIED
UDP_CORK UDP_SEGMENT UDP_GRO
ICMP_ECHO ICMP_ECHOREPLY ICMP6_ECHO_REQUEST ICMP6_ECHO_REPLY ICMP6_FILTER
ETH_P_IP ETH_P_IPV6 ETH_P_ARP ETH_P_8021Q
PACKET_ADD_MEMBERSHIP PACKET_DROP_MEMBERSHIP PACKET_AUXDATA PACKET_ORIGDEV
PACKET_STATISTICS PACKET_VERSION PACKET_FANOUT PACKET_IGNORE_OUTGOING
PACKET_MR_MULTICAST PACKET_MR_PROMISC PACKET_MR_ALLMULTI
NETLINK_UNUSED NETLINK_SOCK_DIAG NETLINK_INET_DIAG NETLINK_SELINUX NETLINK_ISCSI
NETLINK_AUDIT NETLINK_FIB_LOOKUP NETLINK_CONNECTOR NETLINK_NETFILTER
NETLINK_KOBJECT_UEVENT NETLINK_GENERIC NETLINK_SCSITRANSPORT NETLINK_ECRYPTFS
NETLINK_RDMA NETLINK_SMC
NETLINK_ADD_MEMBERSHIP NETLINK_DROP_MEMBERSHIP NETLINK_PKTINFO NETLINK_BROADCAST_ERROR
NETLINK_NO_ENOBUFS NETLINK_RX_RING NETLINK_TX_RING NETLINK_LISTEN_ALL_NSID
NETLINK_LIST_MEMBERSHIPS NETLINK_CAP_ACK NETLINK_EXT_ACK NETLINK_GET_STRICT_CHK
NLM_F_REQUEST NLM_F_MULTI NLM_F_ACK NLM_F_ECHO NLM_F_DUMP_INTR NLM_F_DUMP_FILTERED
NLM_F_ROOT NLM_F_MATCH NLM_F_ATOMIC NLM_F_DUMP NLM_F_REPLACE NLM_F_EXCL NLM_F_CREATE
NLM_F_APPEND NLM_F_NONREC NLM_F_CAPPED NLM_F_ACK_TLVS
NLMSG_NOOP NLMSG_ERROR NLMSG_DONE NLMSG_OVERRUN NLMSG_MIN_TYPE NLMSG_ALIGNTO NLMSG_HDRLEN
NLA_F_NESTED NLA_F_NET_BYTEORDER NLA_ALIGNTO NLA_HDRLEN
RTM_NEWLINK RTM_DELLINK RTM_GETLINK RTM_NEWADDR RTM_DELADDR RTM_GETADDR
RTM_NEWROUTE RTM_DELROUTE RTM_GETROUTE RTM_NEWNEIGH RTM_DELNEIGH RTM_GETNEIGH
RTMGRP_LINK RTMGRP_IPV4_IFADDR RTMGRP_IPV4_ROUTE RTMGRP_IPV6_IFADDR RTMGRP_IPV6_ROUTE
IFLA_ADDRESS IFLA_BROADCAST IFLA_IFNAME IFLA_MTU IFLA_OPERSTATE
IFA_ADDRESS IFA_LOCAL IFA_LABEL IFA_BROADCAST
RTA_DST RTA_SRC RTA_GATEWAY RTA_OIF RTA_PRIORITY RTA_PREFSRC RTA_TABLE RT_TABLE_MAIN
IFF_UP IFF_BROADCAST IFF_LOOPBACK IFF_POINTOPOINT IFF_RUNNING IFF_PROMISC IFF_MULTICAST
IF_NAMESIZE
"""

# (e) The select module: the running python3's names (below) and these, which
# some Linux Python builds or other platforms add.  KQ_* are Python's names
# for the <sys/event.h> macros (KQ_FILTER_READ is EVFILT_READ, KQ_EV_ADD is
# EV_ADD, KQ_NOTE_DELETE is NOTE_DELETE).
SELECT_NAMES = """
POLLIN POLLPRI POLLOUT POLLERR POLLHUP POLLNVAL POLLRDNORM POLLRDBAND POLLWRNORM
POLLWRBAND POLLMSG POLLRDHUP
EPOLLIN EPOLLOUT EPOLLPRI EPOLLERR EPOLLHUP EPOLLET EPOLLONESHOT EPOLLEXCLUSIVE
EPOLLRDHUP EPOLLRDNORM EPOLLRDBAND EPOLLWRNORM EPOLLWRBAND EPOLLMSG EPOLL_CLOEXEC
PIPE_BUF
KQ_FILTER_READ KQ_FILTER_WRITE KQ_FILTER_AIO KQ_FILTER_VNODE KQ_FILTER_PROC
KQ_FILTER_NETDEV KQ_FILTER_SIGNAL KQ_FILTER_TIMER
KQ_EV_ADD KQ_EV_DELETE KQ_EV_ENABLE KQ_EV_DISABLE KQ_EV_ONESHOT KQ_EV_CLEAR
KQ_EV_SYSFLAGS KQ_EV_FLAG1 KQ_EV_EOF KQ_EV_ERROR
KQ_NOTE_LOWAT KQ_NOTE_DELETE KQ_NOTE_WRITE KQ_NOTE_EXTEND KQ_NOTE_ATTRIB
KQ_NOTE_LINK KQ_NOTE_RENAME KQ_NOTE_REVOKE KQ_NOTE_EXIT KQ_NOTE_FORK KQ_NOTE_EXEC
KQ_NOTE_PCTRLMASK KQ_NOTE_PDATAMASK KQ_NOTE_TRACK KQ_NOTE_CHILD KQ_NOTE_TRACKERR
KQ_NOTE_LINKUP KQ_NOTE_LINKDOWN KQ_NOTE_LINKINV
"""


def select_expr(name):
    """The C macro behind a select-module name."""
    for prefix, c in (('KQ_FILTER_', 'EVFILT_'), ('KQ_EV_', 'EV_'), ('KQ_NOTE_', 'NOTE_')):
        if name.startswith(prefix):
            return c + name[len(prefix):]
    return name


def select_python():
    code = ('import json, select\n'
            'print(json.dumps({k: getattr(select, k) for k in dir(select)'
            ' if k.isupper() and isinstance(getattr(select, k), int)}))')
    r = subprocess.run(['python3', '-c', code], capture_output=True, text=True, timeout=60)
    if r.returncode:
        sys.exit('gen-constants: python3 failed:\n' + r.stderr)
    return {k: int(v) for k, v in json.loads(r.stdout).items()}


def gen_select(tmp):
    """native/select_constants.gen.h and src/select-constants.gen.ts."""
    py = select_python()
    names = sorted(set(SELECT_NAMES.split()) | set(py))
    text = open(SELECT_C).read()
    m = re.search(r'/\* BEGIN HEADERS[^\n]*\n(.*?)/\* END HEADERS', text, re.S)
    if not m:
        sys.exit('gen-constants: no BEGIN HEADERS/END HEADERS block in native/select.c')
    headers = m.group(1)
    macros = object_macros(headers, tmp)
    entries = [{'name': n, 'expr': select_expr(n), 'guard': None, 'header': None} for n in names]
    for e in entries:
        if e['expr'] in macros:
            continue
        if e['expr'] in declared([e['expr']], headers, tmp):
            sys.exit(f'gen-constants: {e["name"]} is not a macro here: add a guard')
    text_h = render_h(entries)
    # Probe the list itself: name -> value on this machine.
    sub = os.path.join(tmp, 'select')
    os.makedirs(sub, exist_ok=True)
    src = (headers + '\n#include <stdio.h>\nint main(void) {\n'
           '#define BS_CONSTANT(name, value) '
           'printf("%s %lld\\n", #name, (long long)(value));\n'
           '#include "select_constants.gen.h"\n  return 0;\n}\n')
    with open(os.path.join(tmp, 'select_constants.gen.h'), 'w') as f:
        f.write(text_h)
    rc, _, err = cc(['-Wall', '-Wextra', '-Werror', '-o', 'probe'], src, tmp)
    if rc:
        sys.exit('gen-constants: the select list does not compile:\n' + err)
    out = subprocess.run([os.path.join(tmp, 'probe')], capture_output=True,
                         text=True, check=True).stdout
    values = {n: int(v) for n, v in (l.split() for l in out.splitlines())}
    ts = render_ts(names).replace('native.constants', 'native.select_constants') \
        .replace("import { native } from './native.js';",
                 "import { native as base } from './native.js';\n\n"
                 "const native = base as unknown as { select_constants: Record<string, number> };")
    with open(SELECT_GEN_H, 'w') as f:
        f.write(text_h)
    with open(SELECT_GEN_TS, 'w') as f:
        f.write(ts)
    diff = [f'{n}: python {py[n]} headers {values.get(n)}' for n in sorted(py)
            if values.get(n) != py[n]]
    print(f'select: {len(names)} names, {len(values)} present here')
    if diff:
        print('select differences from python3:\n  ' + '\n  '.join(diff))
    else:
        print(f'select: all {len(py)} python3 constants match')


# Enum members of headers that differ between C libraries: a sibling macro
# proves nothing there (musl and the BSDs ship their own <netinet/in.h>), so
# the condition is written here.  glibc's <netinet/in.h> has declared the
# IPPORT_* enum since its first release; elsewhere it is a macro or absent.
ENUM_GUARDS = {
    'IPPORT_USERRESERVED': 'defined(__GLIBC__) && defined(_NETINET_IN_H)',
}
# Kernel UAPI headers are the same file whatever the C library: a sibling
# macro of theirs is a sound proof.
UAPI_PREFIXES = ('linux/', 'asm/', 'asm-generic/')

# Python spells the unprefixed names of <linux/can/bcm.h> (TX_SETUP, SETTIMER)
# as CAN_BCM_TX_SETUP, CAN_BCM_SETTIMER: the JS name differs from the C one.
BCM_PREFIX = 'CAN_BCM_'
BCM_HEADER = 'linux/can/bcm.h'


def c_expr(name, macros, enum_files):
    """The C expression of a JS name (itself, except for the BCM spellings)."""
    if name.startswith(BCM_PREFIX):
        bare = name[len(BCM_PREFIX):]
        if (bare in macros or enum_files.get(bare, '').endswith(BCM_HEADER)) \
                and name not in macros:
            return bare
    return name


def header_block():
    """The #include block of native/constants.c, between its markers: the one
    list of headers, shared by the addon and these probes."""
    text = open(CONSTANTS_C).read()
    m = re.search(r'/\* BEGIN HEADERS[^\n]*\n(.*?)/\* END HEADERS', text, re.S)
    if not m:
        sys.exit('gen-constants: no BEGIN HEADERS/END HEADERS block in native/constants.c')
    return m.group(1)


def cc(args, source, tmp):
    """Runs the compiler over `source`; returns (returncode, stdout, stderr)."""
    path = os.path.join(tmp, 'probe.c')
    with open(path, 'w') as f:
        f.write(source)
    r = subprocess.run([CC, *CFLAGS, *args, path], capture_output=True, text=True,
                       cwd=tmp, env={**os.environ, 'LC_ALL': 'C'})
    return r.returncode, r.stdout, r.stderr


def object_macros(headers, tmp):
    """Names of every object-like macro the header set defines (cc -E -dM)."""
    rc, out, err = cc(['-E', '-dM'], headers, tmp)
    if rc:
        sys.exit('gen-constants: the header block does not preprocess:\n' + err)
    return {m.group(1) for m in re.finditer(r'^#define (\w+)[ \n]', out + '\n', re.M)}


def declared(names, headers, tmp):
    """Which of `names` (C expressions) compile as integer constant
    expressions: one probe line per name; lines with errors are dropped and
    the rest recompiled until the probe is clean."""
    left = sorted(set(names))
    while left:
        lines = [f'static const long long bs_probe_{i} = (long long)({n});'
                 for i, n in enumerate(left)]
        prefix = headers + '\n'
        first = prefix.count('\n') + 1
        rc, _, err = cc(['-fsyntax-only', '-w'], prefix + '\n'.join(lines) + '\n', tmp)
        if rc == 0:
            return set(left)
        bad = {int(m.group(1)) - first
               for m in re.finditer(r'probe\.c:(\d+):\d+: error', err)}
        bad = {i for i in bad if 0 <= i < len(left)}
        if not bad:
            sys.exit('gen-constants: probe failed outside its own lines:\n' + err)
        left = [n for i, n in enumerate(left) if i not in bad]
    return set()


def enum_origins(headers, tmp):
    """enumerator name -> the header file that declares it, from the
    preprocessed header set (its line markers say which file each line is)."""
    rc, out, err = cc(['-E'], headers, tmp)
    if rc:
        sys.exit('gen-constants: the header block does not preprocess:\n' + err)
    origins = {}
    current = None
    pending = False      # saw `enum`, waiting for `{`
    depth = 0            # brace/paren depth inside an enum body
    want_name = False    # the next identifier at depth 1 is an enumerator
    for line in out.splitlines():
        marker = re.match(r'# \d+ "([^"]+)"', line)
        if marker:
            current = marker.group(1)
            continue
        for tok in re.findall(r'[A-Za-z_]\w*|\S', line):
            if depth == 0:
                if tok == 'enum':
                    pending = True
                elif pending and tok == '{':
                    depth, want_name = 1, True
                elif pending and not re.match(r'\w', tok):
                    pending = False      # `enum tag var;`, a parameter, ...
                continue
            if tok in '([{':
                depth += 1
            elif tok in ')]}':
                depth -= 1
                if depth == 0:
                    pending = False
            elif depth == 1 and tok == ',':
                want_name = True
            elif depth == 1 and want_name and re.match(r'[A-Za-z_]', tok):
                origins.setdefault(tok, current)
                want_name = False
    return origins


def sibling_macro(name, path, macros, ours):
    """A macro of the same header as the enumerator `name` that proves the
    header (hence the enum) is there: the header's first macro that is one of
    our own names (a long-standing one), else its first macro.  Headers grow
    at the end, so the first macros are the oldest.  Include guards are left
    out (their spelling changed over the years); only macros really defined
    here count."""
    lines = open(path).read().splitlines()
    guards = set()
    for i, l in enumerate(lines[:-1]):
        g = re.match(r'\s*#\s*ifndef\s+(\w+)', l)
        if g and re.match(rf'\s*#\s*define\s+{g.group(1)}\b', lines[i + 1]):
            guards.add(g.group(1))
    defs = []
    for l in lines:
        d = re.match(r'\s*#\s*define\s+(\w+)(\s|$)', l)   # object-like only
        if d and d.group(1) in macros and d.group(1) not in guards \
                and d.group(1) != name:
            defs.append(d.group(1))
    known = [d for d in defs if d in ours]
    return (known or defs or [None])[0]


def python_constants():
    """(a) name -> value for the running python3's socket module."""
    code = ('import json, socket\n'
            'print(json.dumps({k: getattr(socket, k) for k in dir(socket)'
            ' if k[:1].isalpha() and k.isupper()'
            ' and k not in ("CMSG_LEN", "CMSG_SPACE", "CAPI")'
            ' and type(getattr(socket, k)) is not bool'
            ' and isinstance(getattr(socket, k), int)}))')
    r = subprocess.run(['python3', '-c', code], capture_output=True, text=True, timeout=60)
    if r.returncode:
        sys.exit('gen-constants: python3 failed:\n' + r.stderr)
    return {k: int(v) for k, v in json.loads(r.stdout).items()}


def header_values(entries_h, headers, tmp):
    """Compiles and runs the generated X-macro list itself: name -> value on
    this machine (a check, never written out)."""
    src = (headers + '\n#include <stdio.h>\nint main(void) {\n'
           '#define BS_CONSTANT(name, value) '
           'printf("%s %lld\\n", #name, (long long)(value));\n'
           '#include "constants.gen.h"\n  return 0;\n}\n')
    with open(os.path.join(tmp, 'constants.gen.h'), 'w') as f:
        f.write(entries_h)
    rc, _, err = cc(['-Wall', '-Wextra', '-Werror', '-o', 'probe'], src, tmp)
    if rc:
        sys.exit('gen-constants: the generated list does not compile:\n' + err)
    out = subprocess.run([os.path.join(tmp, 'probe')], capture_output=True,
                         text=True, check=True).stdout
    return {n: int(v) for n, v in (l.split() for l in out.splitlines())}


def render_h(entries):
    out = [
        '/* GENERATED by scripts/gen-constants.py from the C headers: do not edit.',
        ' * Regenerate (on Linux, kernel headers installed): npm run gen:constants',
        ' *',
        ' * X-macro list: define BS_CONSTANT(name, value) before including it.',
        ' * Every entry is guarded so that this file compiles on any platform; a',
        ' * name the platform\'s headers lack is absent.  Macros are guarded by',
        ' * themselves; enum members (invisible to the preprocessor) by themselves',
        ' * or a macro of the header that declares the enum. */',
        '',
    ]
    for e in entries:
        cond = f'defined({e["expr"]})'
        if e['guard']:
            out.append(f'/* enum member of <{e["header"]}> */')
            cond = f'{cond} || ({e["guard"]})'
        if e['expr'] != e['name']:
            # The bare BCM names (SETTIMER, RX_READ) are too generic to
            # trust alone: also require the CAN family's BCM protocol.
            cond = f'defined(CAN_BCM) && ({cond})'
        if cond == f'defined({e["expr"]})':
            out.append(f'#ifdef {e["expr"]}')
        else:
            out.append(f'#if {cond}')
        out.append(f'BS_CONSTANT({e["name"]}, {e["expr"]})')
        out.append('#endif')
    return '\n'.join(out) + '\n'


def render_ts(names):
    out = [
        '// GENERATED by scripts/gen-constants.py from the C headers: do not edit.',
        '// Regenerate (on Linux, kernel headers installed): npm run gen:constants',
        '//',
        '// Every name is exported on every platform and typed `number`; where the',
        "// platform's headers lack a name its value is `undefined` at run time",
        '// (a decision taken for the whole module: one import list everywhere).',
        "import { native } from './native.js';",
        '',
        'const k = native.constants;',
        '',
        '/** Every name this module may export, present on this platform or not. */',
        'export const constantNames: readonly string[] = Object.freeze([',
    ]
    out += [f"  '{n}'," for n in names]
    out.append(']);')
    out.append('')
    out += [f"export const {n}: number = k['{n}']!;" for n in names]
    return '\n'.join(out) + '\n'


def main():
    if not sys.platform.startswith('linux'):
        sys.exit('gen-constants: run on Linux (enum detection needs the Linux headers)')
    py = python_constants()
    names = sorted(set(PYTHON_311.split()) | set(PYTHON_LATER.split())
                   | set(EXTRA.split()) | set(py))
    headers = header_block()
    with tempfile.TemporaryDirectory() as tmp:
        macros = object_macros(headers, tmp)
        origins = enum_origins(headers, tmp)
        exprs = {n: c_expr(n, macros, origins) for n in names}
        compiles = declared(exprs.values(), headers, tmp)
        broken = sorted(e for e in macros & set(exprs.values()) if e not in compiles)
        if broken:   # a macro that is not an integer constant here
            sys.exit('gen-constants: macros that do not compile: ' + ' '.join(broken))
        entries, absent, unguarded = [], [], []
        for n in names:
            e = {'name': n, 'expr': exprs[n], 'guard': None, 'header': None}
            if exprs[n] in macros:
                pass
            elif exprs[n] in compiles:
                path = origins.get(exprs[n]) or ''
                header = re.sub(r'^.*?/include/', '', path)
                if exprs[n] in ENUM_GUARDS:
                    guard = ENUM_GUARDS[exprs[n]]
                elif header.startswith(UAPI_PREFIXES):
                    sibling = sibling_macro(exprs[n], path, macros, set(exprs.values()))
                    guard = sibling and f'defined({sibling})'
                else:
                    guard = None
                if not guard:
                    unguarded.append(f'{n} <{header}>')
                    continue
                e['guard'] = guard
                e['header'] = header
            else:
                absent.append(n)
            entries.append(e)
        if unguarded:
            sys.exit('gen-constants: enum members with no guard (add one to ENUM_GUARDS): '
                     + ', '.join(unguarded))
        text_h = render_h(entries)
        values = header_values(text_h, headers, tmp)

    with open(GEN_H, 'w') as f:
        f.write(text_h)
    with open(GEN_TS, 'w') as f:
        f.write(render_ts(names))

    # Report, and check the values against Python's where both exist.
    enum_entries = [e for e in entries if e['guard']]
    print(f'{len(names)} names: {len(values)} present here, '
          f'{len(enum_entries)} enum-guarded, {len(absent)} absent from these headers')
    for e in enum_entries:
        print(f'  enum {e["name"]:28} <{e["header"]}> guard {e["guard"]}')
    if absent:
        print('  absent: ' + ' '.join(absent))
    big = [n for n, v in values.items() if abs(v) > 2 ** 53]
    if big:
        sys.exit('gen-constants: values beyond 2**53 (not exact in JS): ' + ' '.join(big))
    diff = [f'{n}: python {py[n]} headers {values.get(n)}' for n in sorted(py)
            if values.get(n) != py[n]]
    if diff:
        print('differences from python3:\n  ' + '\n  '.join(diff))
    else:
        print(f'all {len(py)} python3 constants match')
    with tempfile.TemporaryDirectory() as tmp:
        gen_select(tmp)


if __name__ == '__main__':
    main()
