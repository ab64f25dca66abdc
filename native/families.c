/* Address codecs of the other families (netlink, packet, CAN, VSOCK, ALG,
 * TIPC, RDS, QIPCRTR, Bluetooth), each guarded by its header macros.
 *
 * Encoders are thin: TypeScript (src/families.ts) validates every field with
 * Python's messages first, then calls encode_<family>(out, ...fields) which
 * writes the sockaddr into the 128-byte, 8-aligned `out` and returns its
 * length.  Interface names are resolved here (if_nametoindex) because that
 * needs a system call; a failure comes back as -errno, like every call.
 * Decoders turn a kernel sockaddr into [family, ...public fields]. */
#include "bs.h"

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <string.h>

#ifdef AF_NETLINK
#if __has_include(<linux/netlink.h>)
#include <linux/netlink.h>
#define BS_HAVE_NETLINK 1
#endif
#endif

#ifdef AF_PACKET
#if __has_include(<linux/if_packet.h>)
#include <linux/if_packet.h>
#define BS_HAVE_PACKET 1
#endif
#endif

#ifdef AF_VSOCK
#if __has_include(<linux/vm_sockets.h>)
#include <linux/vm_sockets.h>
#define BS_HAVE_VSOCK 1
#endif
#endif

#ifdef AF_CAN
#if __has_include(<linux/can.h>)
#include <linux/can.h>
#define BS_HAVE_CAN 1
#endif
#endif

#ifdef AF_ALG
#if __has_include(<linux/if_alg.h>)
#include <linux/if_alg.h>
#define BS_HAVE_ALG 1
#endif
#endif

#ifdef AF_TIPC
#if __has_include(<linux/tipc.h>)
#include <linux/tipc.h>
#define BS_HAVE_TIPC 1
#endif
#endif

#ifdef AF_QIPCRTR
#if __has_include(<linux/qrtr.h>)
#include <linux/qrtr.h>
#define BS_HAVE_QIPCRTR 1
#endif
#endif

#ifdef AF_BLUETOOTH
#if __has_include(<bluetooth/bluetooth.h>) && __has_include(<bluetooth/l2cap.h>) && \
    __has_include(<bluetooth/rfcomm.h>) && __has_include(<bluetooth/hci.h>) &&    \
    __has_include(<bluetooth/sco.h>)
#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/l2cap.h>
#include <bluetooth/rfcomm.h>
#include <bluetooth/sco.h>
#define BS_HAVE_BLUETOOTH 1
#endif
#endif

#include <netinet/in.h>
#include <arpa/inet.h>

#ifdef BS_HAVE_NETLINK
#if __has_include(<linux/rtnetlink.h>)
#include <linux/rtnetlink.h>
#define BS_HAVE_RTNETLINK 1
#endif
#endif
#ifdef BS_HAVE_CAN
#if __has_include(<linux/can/bcm.h>)
#include <linux/can/bcm.h>
#define BS_HAVE_CAN_BCM 1
#endif
#endif

__attribute__((unused)) static napi_value u64_bigint(napi_env env, uint64_t v) {
  napi_value out;
  napi_create_bigint_uint64(env, v, &out);
  return out;
}

/* An interface name (bytes, no NUL) to its index: index | -errno. */
static int64_t ifindex_of(const void *name, size_t len) {
  char buf[IF_NAMESIZE];
  /* An empty name, or one that cannot fit, is no device (as SIOCGIFINDEX). */
  if (len == 0 || len >= sizeof buf || memchr(name, 0, len) != NULL) return -ENODEV;
  memcpy(buf, name, len);
  buf[len] = '\0';
  errno = 0; /* if_nametoindex may fail without setting it: no stale value */
  unsigned idx = if_nametoindex(buf);
  if (idx == 0) return -(errno ? errno : ENODEV);
  return (int64_t)idx;
}

/* The interface's name, or "" when it has none (index 0, or gone): CPython's
 * makesockaddr does the same with SIOCGIFNAME. */
__attribute__((unused)) static napi_value ifname_of(napi_env env, int idx) {
  char buf[IF_NAMESIZE];
  if (idx <= 0 || if_indextoname((unsigned)idx, buf) == NULL) buf[0] = '\0';
  return bs_str(env, buf);
}

/* family_ifindex(nameBytes) -> index | -errno */
static napi_value js_family_ifindex(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  void *name;
  size_t len;
  if (!bs_get_bytes(env, argv[0], &name, &len)) return NULL;
  return bs_int(env, ifindex_of(name, len));
}

/* family_ifname(index) -> name | -errno */
static napi_value js_family_ifname(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  uint32_t idx;
  if (!bs_get_u32(env, argv[0], &idx)) return NULL;
  char buf[IF_NAMESIZE];
  if (if_indextoname(idx, buf) == NULL) return bs_int(env, -errno);
  return bs_str(env, buf);
}

#ifdef BS_HAVE_NETLINK
/* encode_netlink(out, pid, groups) -> length */
static napi_value js_encode_netlink(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  uint32_t pid, groups;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &pid) ||
      !bs_get_u32(env, argv[2], &groups))
    return NULL;
  struct sockaddr_nl *nl = (struct sockaddr_nl *)ss;
  nl->nl_family = AF_NETLINK;
  nl->nl_pid = pid;
  nl->nl_groups = groups;
  return bs_int(env, sizeof *nl);
}
#endif

#ifdef BS_HAVE_PACKET
/* encode_packet(out, ifindex, proto, pkttype, hatype, haddr|null) -> length */
static napi_value js_encode_packet(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 6);
  struct sockaddr_storage *ss;
  int32_t ifindex;
  uint32_t proto, pkttype, hatype;
  void *haddr;
  size_t halen;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_i32(env, argv[1], &ifindex) ||
      !bs_get_u32(env, argv[2], &proto) || !bs_get_u32(env, argv[3], &pkttype) ||
      !bs_get_u32(env, argv[4], &hatype) || !bs_get_bytes_or_null(env, argv[5], &haddr, &halen))
    return NULL;
  struct sockaddr_ll *ll = (struct sockaddr_ll *)ss;
  if (halen > sizeof ll->sll_addr) BS_THROW_RANGE(env, "native: hardware address too long");
  if (proto > 0xffff) BS_THROW_RANGE(env, "native: proto out of range");
  ll->sll_family = AF_PACKET;
  ll->sll_protocol = htons((uint16_t)proto);
  ll->sll_ifindex = ifindex;
  ll->sll_pkttype = (unsigned char)pkttype;
  ll->sll_hatype = (unsigned short)hatype;
  ll->sll_halen = (unsigned char)halen;
  if (halen > 0) memcpy(ll->sll_addr, haddr, halen);
  return bs_int(env, sizeof *ll);
}
#endif

#ifdef BS_HAVE_VSOCK
/* encode_vsock(out, cid, port) -> length */
static napi_value js_encode_vsock(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  uint32_t cid, port;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &cid) ||
      !bs_get_u32(env, argv[2], &port))
    return NULL;
  struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;
  vm->svm_family = AF_VSOCK;
  vm->svm_cid = cid;
  vm->svm_port = port;
  return bs_int(env, sizeof *vm);
}
#endif

#ifdef BS_HAVE_CAN
/* encode_can(out, ifindex) -> length: CAN_RAW and CAN_BCM. */
static napi_value js_encode_can(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  int32_t ifindex;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_i32(env, argv[1], &ifindex)) return NULL;
  struct sockaddr_can *can = (struct sockaddr_can *)ss;
  can->can_family = AF_CAN;
  can->can_ifindex = ifindex;
  return bs_int(env, sizeof *can);
}

/* encode_can_isotp(out, ifindex, rx_id, tx_id) -> length */
static napi_value js_encode_can_isotp(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 4);
  struct sockaddr_storage *ss;
  int32_t ifindex;
  uint32_t rx, tx;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_i32(env, argv[1], &ifindex) ||
      !bs_get_u32(env, argv[2], &rx) || !bs_get_u32(env, argv[3], &tx))
    return NULL;
  struct sockaddr_can *can = (struct sockaddr_can *)ss;
  can->can_family = AF_CAN;
  can->can_ifindex = ifindex;
  can->can_addr.tp.rx_id = rx;
  can->can_addr.tp.tx_id = tx;
  return bs_int(env, sizeof *can);
}

#if __has_include(<linux/can/j1939.h>)
/* encode_can_j1939(out, ifindex, name: bigint, pgn, addr) -> length */
static napi_value js_encode_can_j1939(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 5);
  struct sockaddr_storage *ss;
  int32_t ifindex;
  uint32_t pgn, addr;
  uint64_t name;
  bool lossless;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_i32(env, argv[1], &ifindex)) return NULL;
  if (napi_get_value_bigint_uint64(env, argv[2], &name, &lossless) != napi_ok)
    BS_THROW_TYPE(env, "native: expected a bigint");
  if (!lossless) BS_THROW_RANGE(env, "native: J1939 name out of range");
  if (!bs_get_u32(env, argv[3], &pgn) || !bs_get_u32(env, argv[4], &addr)) return NULL;
  struct sockaddr_can *can = (struct sockaddr_can *)ss;
  can->can_family = AF_CAN;
  can->can_ifindex = ifindex;
  can->can_addr.j1939.name = name;
  can->can_addr.j1939.pgn = pgn;
  can->can_addr.j1939.addr = (uint8_t)addr;
  return bs_int(env, sizeof *can);
}
#endif
#endif

#ifdef BS_HAVE_ALG
/* encode_alg(out, typeBytes, nameBytes, feat, mask) -> length.  Both names
 * must leave room for their NUL (TypeScript raises Python's ValueError). */
static napi_value js_encode_alg(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 5);
  struct sockaddr_storage *ss;
  void *type, *name;
  size_t tlen, nlen;
  uint32_t feat, mask;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &type, &tlen) ||
      !bs_get_bytes(env, argv[2], &name, &nlen) || !bs_get_u32(env, argv[3], &feat) ||
      !bs_get_u32(env, argv[4], &mask))
    return NULL;
  struct sockaddr_alg *alg = (struct sockaddr_alg *)ss;
  if (sizeof *alg > sizeof(struct sockaddr_storage)) BS_THROW_RANGE(env, "native: sockaddr_alg too large");
  if (tlen >= sizeof alg->salg_type) BS_THROW_RANGE(env, "native: AF_ALG type too long");
  if (nlen >= sizeof alg->salg_name) BS_THROW_RANGE(env, "native: AF_ALG name too long");
  alg->salg_family = AF_ALG;
  memcpy(alg->salg_type, type, tlen);
  memcpy(alg->salg_name, name, nlen);
  alg->salg_feat = feat;
  alg->salg_mask = mask;
  return bs_int(env, sizeof *alg);
}
#endif

#ifdef BS_HAVE_TIPC
/* encode_tipc(out, addrtype, v1, v2, v3, scope) -> length | -EINVAL (unknown type) */
static napi_value js_encode_tipc(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 6);
  struct sockaddr_storage *ss;
  uint32_t atype, v1, v2, v3, scope;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &atype) ||
      !bs_get_u32(env, argv[2], &v1) || !bs_get_u32(env, argv[3], &v2) ||
      !bs_get_u32(env, argv[4], &v3) || !bs_get_u32(env, argv[5], &scope))
    return NULL;
  struct sockaddr_tipc *t = (struct sockaddr_tipc *)ss;
  t->family = AF_TIPC;
  t->addrtype = (unsigned char)atype;
  t->scope = (signed char)scope;
  if (atype == TIPC_ADDR_NAMESEQ) {
    t->addr.nameseq.type = v1;
    t->addr.nameseq.lower = v2;
    t->addr.nameseq.upper = v3;
  } else if (atype == TIPC_ADDR_NAME) {
    t->addr.name.name.type = v1;
    t->addr.name.name.instance = v2;
  } else if (atype == TIPC_ADDR_ID) {
    t->addr.id.node = v1;
    t->addr.id.ref = v2;
  } else {
    return bs_int(env, -EINVAL);
  }
  return bs_int(env, sizeof *t);
}
#endif

#ifdef BS_HAVE_QIPCRTR
/* encode_qipcrtr(out, node, port) -> length */
static napi_value js_encode_qipcrtr(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  uint32_t node, port;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &node) ||
      !bs_get_u32(env, argv[2], &port))
    return NULL;
  struct sockaddr_qrtr *q = (struct sockaddr_qrtr *)ss;
  q->sq_family = AF_QIPCRTR;
  q->sq_node = node;
  q->sq_port = port;
  return bs_int(env, sizeof *q);
}
#endif

#ifdef AF_RDS
/* encode_rds(out, packed4, port) -> length: RDS addresses are sockaddr_in. */
static napi_value js_encode_rds(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  void *packed;
  size_t plen;
  uint32_t port;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &packed, &plen) ||
      !bs_get_u32(env, argv[2], &port))
    return NULL;
  if (plen != 4) BS_THROW_RANGE(env, "native: packed address has the wrong length");
  if (port > 65535) BS_THROW_RANGE(env, "native: port out of range");
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  sin->sin_family = AF_RDS;
  sin->sin_port = htons((uint16_t)port);
  memcpy(&sin->sin_addr, packed, 4);
  return bs_int(env, sizeof *sin);
}
#endif

#ifdef BS_HAVE_BLUETOOTH
/* encode_bt_l2cap(out, bdaddr6, psm), encode_bt_rfcomm(out, bdaddr6, channel),
 * encode_bt_hci(out, dev), encode_bt_sco(out, bdaddr6): bdaddr6 is the six
 * address bytes in the kernel's order (least significant first). */
static bool get_bdaddr(napi_env env, napi_value v, bdaddr_t *out) {
  void *data;
  size_t len;
  if (!bs_get_bytes(env, v, &data, &len)) return false;
  if (len != sizeof out->b) {
    napi_throw_range_error(env, NULL, "native: bdaddr must be 6 bytes");
    return false;
  }
  memcpy(out->b, data, sizeof out->b);
  return true;
}

static napi_value js_encode_bt_l2cap(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  uint32_t psm;
  if (!bs_get_sockaddr_out(env, argv[0], &ss)) return NULL;
  struct sockaddr_l2 *a = (struct sockaddr_l2 *)ss;
  if (!get_bdaddr(env, argv[1], &a->l2_bdaddr) || !bs_get_u32(env, argv[2], &psm)) return NULL;
  a->l2_family = AF_BLUETOOTH;
  a->l2_psm = htobs((uint16_t)psm);
  return bs_int(env, sizeof *a);
}

static napi_value js_encode_bt_rfcomm(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  uint32_t channel;
  if (!bs_get_sockaddr_out(env, argv[0], &ss)) return NULL;
  struct sockaddr_rc *a = (struct sockaddr_rc *)ss;
  if (!get_bdaddr(env, argv[1], &a->rc_bdaddr) || !bs_get_u32(env, argv[2], &channel)) return NULL;
  a->rc_family = AF_BLUETOOTH;
  a->rc_channel = (uint8_t)channel;
  return bs_int(env, sizeof *a);
}

static napi_value js_encode_bt_hci(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  uint32_t dev;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &dev)) return NULL;
  struct sockaddr_hci *a = (struct sockaddr_hci *)ss;
  a->hci_family = AF_BLUETOOTH;
  a->hci_dev = (unsigned short)dev;
  return bs_int(env, sizeof *a);
}

static napi_value js_encode_bt_sco(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  if (!bs_get_sockaddr_out(env, argv[0], &ss)) return NULL;
  struct sockaddr_sco *a = (struct sockaddr_sco *)ss;
  if (!get_bdaddr(env, argv[1], &a->sco_bdaddr)) return NULL;
  a->sco_family = AF_BLUETOOTH;
  return bs_int(env, sizeof *a);
}
#endif

/* Decodes the families above into [family, ...fields].  Where the public form
 * depends on the protocol (CAN, Bluetooth), the kernel's address length tells
 * them apart: each protocol returns its own minimal length. */
bool bs_family_decode(napi_env env, const struct sockaddr *sa, socklen_t len,
                      napi_value *out) {
  switch (sa->sa_family) {
#ifdef BS_HAVE_NETLINK
    case AF_NETLINK: {
      if (len < sizeof(struct sockaddr_nl)) return false;
      const struct sockaddr_nl *nl = (const struct sockaddr_nl *)sa;
      napi_value items[3] = {bs_int(env, AF_NETLINK), bs_int(env, nl->nl_pid),
                             bs_int(env, nl->nl_groups)};
      *out = bs_array(env, 3, items);
      return true;
    }
#endif
#ifdef BS_HAVE_PACKET
    case AF_PACKET: {
      /* The kernel may report fewer address bytes than sockaddr_ll holds. */
      if (len < offsetof(struct sockaddr_ll, sll_addr)) return false;
      const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
      size_t halen = ll->sll_halen;
      size_t room = len - offsetof(struct sockaddr_ll, sll_addr);
      if (halen > room) halen = room;
      napi_value items[7] = {bs_int(env, AF_PACKET), ifname_of(env, ll->sll_ifindex),
                             bs_int(env, ntohs(ll->sll_protocol)), bs_int(env, ll->sll_pkttype),
                             bs_int(env, ll->sll_hatype), bs_buffer_copy(env, ll->sll_addr, halen),
                             bs_int(env, ll->sll_ifindex)};
      *out = bs_array(env, 7, items);
      return true;
    }
#endif
#ifdef BS_HAVE_VSOCK
    case AF_VSOCK: {
      if (len < sizeof(struct sockaddr_vm)) return false;
      const struct sockaddr_vm *vm = (const struct sockaddr_vm *)sa;
      napi_value items[3] = {bs_int(env, AF_VSOCK), bs_int(env, vm->svm_cid),
                             bs_int(env, vm->svm_port)};
      *out = bs_array(env, 3, items);
      return true;
    }
#endif
#ifdef BS_HAVE_CAN
    case AF_CAN: {
      if (len < offsetof(struct sockaddr_can, can_addr)) return false;
      const struct sockaddr_can *can = (const struct sockaddr_can *)sa;
      napi_value name = ifname_of(env, can->can_ifindex);
#if __has_include(<linux/can/j1939.h>)
      if (len >= offsetof(struct sockaddr_can, can_addr) + sizeof can->can_addr.j1939) {
        napi_value items[5] = {bs_int(env, AF_CAN), name, u64_bigint(env, can->can_addr.j1939.name),
                               bs_int(env, can->can_addr.j1939.pgn),
                               bs_int(env, can->can_addr.j1939.addr)};
        *out = bs_array(env, 5, items);
        return true;
      }
#endif
      if (len >= offsetof(struct sockaddr_can, can_addr) + sizeof can->can_addr.tp) {
        napi_value items[4] = {bs_int(env, AF_CAN), name, bs_int(env, can->can_addr.tp.rx_id),
                               bs_int(env, can->can_addr.tp.tx_id)};
        *out = bs_array(env, 4, items);
        return true;
      }
      napi_value items[2] = {bs_int(env, AF_CAN), name};
      *out = bs_array(env, 2, items);
      return true;
    }
#endif
#ifdef BS_HAVE_ALG
    case AF_ALG: {
      if (len < sizeof(struct sockaddr_alg)) return false;
      const struct sockaddr_alg *alg = (const struct sockaddr_alg *)sa;
      napi_value items[5] = {
          bs_int(env, AF_ALG),
          bs_buffer_copy(env, alg->salg_type, strnlen((const char *)alg->salg_type, sizeof alg->salg_type)),
          bs_buffer_copy(env, alg->salg_name, strnlen((const char *)alg->salg_name, sizeof alg->salg_name)),
          bs_int(env, alg->salg_feat), bs_int(env, alg->salg_mask)};
      *out = bs_array(env, 5, items);
      return true;
    }
#endif
#ifdef BS_HAVE_TIPC
    case AF_TIPC: {
      if (len < sizeof(struct sockaddr_tipc)) return false;
      const struct sockaddr_tipc *t = (const struct sockaddr_tipc *)sa;
      uint32_t v1, v2, v3;
      if (t->addrtype == TIPC_ADDR_NAMESEQ) {
        v1 = t->addr.nameseq.type; v2 = t->addr.nameseq.lower; v3 = t->addr.nameseq.upper;
      } else if (t->addrtype == TIPC_ADDR_NAME) {
        v1 = t->addr.name.name.type; v2 = t->addr.name.name.instance; v3 = v2;
      } else if (t->addrtype == TIPC_ADDR_ID) {
        v1 = t->addr.id.node; v2 = t->addr.id.ref; v3 = 0;
      } else {
        return false; /* unknown address type: the raw bytes */
      }
      napi_value items[6] = {bs_int(env, AF_TIPC), bs_int(env, t->addrtype), bs_int(env, v1),
                             bs_int(env, v2), bs_int(env, v3), bs_int(env, (uint8_t)t->scope)};
      *out = bs_array(env, 6, items);
      return true;
    }
#endif
#ifdef BS_HAVE_QIPCRTR
    case AF_QIPCRTR: {
      if (len < sizeof(struct sockaddr_qrtr)) return false;
      const struct sockaddr_qrtr *q = (const struct sockaddr_qrtr *)sa;
      napi_value items[3] = {bs_int(env, AF_QIPCRTR), bs_int(env, q->sq_node),
                             bs_int(env, q->sq_port)};
      *out = bs_array(env, 3, items);
      return true;
    }
#endif
#ifdef AF_RDS
    case AF_RDS: {
      /* RDS uses sockaddr_in: [host, port], as CPython. */
      if (len < sizeof(struct sockaddr_in)) return false;
      const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
      char host[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
      napi_value items[3] = {bs_int(env, AF_RDS), bs_str(env, host), bs_int(env, ntohs(sin->sin_port))};
      *out = bs_array(env, 3, items);
      return true;
    }
#endif
#ifdef BS_HAVE_BLUETOOTH
    case AF_BLUETOOTH: {
      /* Told apart by length: l2 > sco > rc > hci on Linux. */
      if (len >= sizeof(struct sockaddr_l2)) {
        const struct sockaddr_l2 *a = (const struct sockaddr_l2 *)sa;
        napi_value items[4] = {bs_int(env, AF_BLUETOOTH), bs_str(env, "l2cap"),
                               bs_buffer_copy(env, a->l2_bdaddr.b, 6), bs_int(env, btohs(a->l2_psm))};
        *out = bs_array(env, 4, items);
        return true;
      }
      if (len == sizeof(struct sockaddr_rc)) {
        const struct sockaddr_rc *a = (const struct sockaddr_rc *)sa;
        napi_value items[4] = {bs_int(env, AF_BLUETOOTH), bs_str(env, "rfcomm"),
                               bs_buffer_copy(env, a->rc_bdaddr.b, 6), bs_int(env, a->rc_channel)};
        *out = bs_array(env, 4, items);
        return true;
      }
      if (len == sizeof(struct sockaddr_sco)) {
        const struct sockaddr_sco *a = (const struct sockaddr_sco *)sa;
        napi_value items[3] = {bs_int(env, AF_BLUETOOTH), bs_str(env, "sco"),
                               bs_buffer_copy(env, a->sco_bdaddr.b, 6)};
        *out = bs_array(env, 3, items);
        return true;
      }
      if (len == sizeof(struct sockaddr_hci)) {
        const struct sockaddr_hci *a = (const struct sockaddr_hci *)sa;
        napi_value items[3] = {bs_int(env, AF_BLUETOOTH), bs_str(env, "hci"), bs_int(env, a->hci_dev)};
        *out = bs_array(env, 3, items);
        return true;
      }
      return false;
    }
#endif
    default:
      return false;
  }
}

/* family_sizes() -> { name: sizeof(struct) }: lets tests and TypeScript check
 * lengths against the headers without typing them in. */
static napi_value js_family_sizes(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o;
  napi_create_object(env, &o);
#define BS_SIZE(name, type) napi_set_named_property(env, o, name, bs_int(env, (int64_t)sizeof(type)))
#define BS_OFF(name, type, field) napi_set_named_property(env, o, name, bs_int(env, (int64_t)offsetof(type, field)))
  BS_SIZE("IFNAMSIZ", char[IF_NAMESIZE]);
#ifdef BS_HAVE_NETLINK
  BS_SIZE("sockaddr_nl", struct sockaddr_nl);
#endif
#ifdef BS_HAVE_PACKET
  BS_SIZE("sockaddr_ll", struct sockaddr_ll);
#endif
#ifdef BS_HAVE_VSOCK
  BS_SIZE("sockaddr_vm", struct sockaddr_vm);
#endif
#ifdef BS_HAVE_CAN
  BS_SIZE("sockaddr_can", struct sockaddr_can);
#endif
#ifdef BS_HAVE_ALG
  BS_SIZE("sockaddr_alg", struct sockaddr_alg);
  BS_SIZE("salg_type", ((struct sockaddr_alg *)0)->salg_type);
  BS_SIZE("salg_name", ((struct sockaddr_alg *)0)->salg_name);
#endif
#ifdef BS_HAVE_TIPC
  BS_SIZE("sockaddr_tipc", struct sockaddr_tipc);
#endif
#ifdef BS_HAVE_QIPCRTR
  BS_SIZE("sockaddr_qrtr", struct sockaddr_qrtr);
#endif
#ifdef BS_HAVE_BLUETOOTH
  BS_SIZE("sockaddr_l2", struct sockaddr_l2);
  BS_SIZE("sockaddr_rc", struct sockaddr_rc);
  BS_SIZE("sockaddr_hci", struct sockaddr_hci);
  BS_SIZE("sockaddr_sco", struct sockaddr_sco);
#endif
#ifdef BS_HAVE_RTNETLINK
  BS_SIZE("nlmsghdr", struct nlmsghdr);
  BS_SIZE("nlmsgerr", struct nlmsgerr);
  BS_SIZE("rtattr", struct rtattr);
  BS_SIZE("ifinfomsg", struct ifinfomsg);
  BS_SIZE("ifaddrmsg", struct ifaddrmsg);
  BS_SIZE("rtmsg", struct rtmsg);
#endif
#ifdef BS_HAVE_CAN
  BS_SIZE("can_frame", struct can_frame);
  BS_SIZE("canfd_frame", struct canfd_frame);
#endif
#ifdef BS_HAVE_CAN_BCM
  BS_SIZE("bcm_msg_head", struct bcm_msg_head);
  BS_SIZE("bcm_timeval", struct bcm_timeval);
  BS_OFF("bcm_msg_head.ival1", struct bcm_msg_head, ival1);
  BS_OFF("bcm_msg_head.ival2", struct bcm_msg_head, ival2);
  BS_OFF("bcm_msg_head.can_id", struct bcm_msg_head, can_id);
  BS_OFF("bcm_msg_head.nframes", struct bcm_msg_head, nframes);
  BS_OFF("bcm_msg_head.frames", struct bcm_msg_head, frames);
#endif
  BS_SIZE("long", long);
#undef BS_SIZE
#undef BS_OFF
  return o;
}

void bs_register_families(napi_env env, napi_value exports) {
  bs_export(env, exports, "family_ifindex", js_family_ifindex);
  bs_export(env, exports, "family_ifname", js_family_ifname);
  bs_export(env, exports, "family_sizes", js_family_sizes);
#ifdef BS_HAVE_NETLINK
  bs_export(env, exports, "encode_netlink", js_encode_netlink);
#endif
#ifdef BS_HAVE_PACKET
  bs_export(env, exports, "encode_packet", js_encode_packet);
#endif
#ifdef BS_HAVE_VSOCK
  bs_export(env, exports, "encode_vsock", js_encode_vsock);
#endif
#ifdef BS_HAVE_CAN
  bs_export(env, exports, "encode_can", js_encode_can);
  bs_export(env, exports, "encode_can_isotp", js_encode_can_isotp);
#if __has_include(<linux/can/j1939.h>)
  bs_export(env, exports, "encode_can_j1939", js_encode_can_j1939);
#endif
#endif
#ifdef BS_HAVE_ALG
  bs_export(env, exports, "encode_alg", js_encode_alg);
#endif
#ifdef BS_HAVE_TIPC
  bs_export(env, exports, "encode_tipc", js_encode_tipc);
#endif
#ifdef BS_HAVE_QIPCRTR
  bs_export(env, exports, "encode_qipcrtr", js_encode_qipcrtr);
#endif
#ifdef AF_RDS
  bs_export(env, exports, "encode_rds", js_encode_rds);
#endif
#ifdef BS_HAVE_BLUETOOTH
  bs_export(env, exports, "encode_bt_l2cap", js_encode_bt_l2cap);
  bs_export(env, exports, "encode_bt_rfcomm", js_encode_bt_rfcomm);
  bs_export(env, exports, "encode_bt_hci", js_encode_bt_hci);
  bs_export(env, exports, "encode_bt_sco", js_encode_bt_sco);
#endif
}
