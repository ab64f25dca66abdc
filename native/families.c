/* The address exports of the other families (netlink, packet, CAN, VSOCK,
 * ALG, TIPC, RDS, QIPCRTR, Bluetooth), each guarded by its header macros.
 *
 * Encoders are thin: TypeScript (src/families.ts) validates every field with
 * Python's messages first, then calls encode_<family>(out, ...fields), which
 * reads the fields and lets sockaddr.c write the sockaddr into the 128-byte,
 * 8-aligned `out`, returning its length.  Interface names are resolved here
 * (if_nametoindex) because that needs a system call; a failure comes back as
 * -errno, like every call.  Decoding is sockaddr.c's (bs_sockaddr_decode). */
#include "bs.h"

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <string.h>

#include "family_headers.h"
#include "sockaddr.h"

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

/* The encoders below read their fields and call sockaddr.c's. */

#ifdef BS_HAVE_NETLINK
/* encode_netlink(out, pid, groups) -> length */
static napi_value js_encode_netlink(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  uint32_t pid, groups;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &pid) ||
      !bs_get_u32(env, argv[2], &groups))
    return NULL;
  return bs_encoded(env, bs_encode_netlink(ss, pid, groups), NULL);
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
  const char *why = NULL;
  return bs_encoded(env, bs_encode_packet(ss, ifindex, proto, pkttype, hatype, haddr, halen, &why), why);
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
  return bs_encoded(env, bs_encode_vsock(ss, cid, port), NULL);
}
#endif

#ifdef BS_HAVE_CAN
/* encode_can(out, ifindex) -> length: CAN_RAW and CAN_BCM. */
static napi_value js_encode_can(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  int32_t ifindex;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_i32(env, argv[1], &ifindex)) return NULL;
  return bs_encoded(env, bs_encode_can(ss, ifindex), NULL);
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
  return bs_encoded(env, bs_encode_can_isotp(ss, ifindex, rx, tx), NULL);
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
  return bs_encoded(env, bs_encode_can_j1939(ss, ifindex, name, pgn, addr), NULL);
}
#endif
#endif

#ifdef BS_HAVE_ALG
/* encode_alg(out, typeBytes, nameBytes, feat, mask) -> length */
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
  const char *why = NULL;
  return bs_encoded(env, bs_encode_alg(ss, type, tlen, name, nlen, feat, mask, &why), why);
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
  return bs_encoded(env, bs_encode_tipc(ss, atype, v1, v2, v3, scope), NULL);
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
  return bs_encoded(env, bs_encode_qipcrtr(ss, node, port), NULL);
}
#endif

#ifdef AF_RDS
/* encode_rds(out, packed4, port) -> length */
static napi_value js_encode_rds(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  void *packed;
  size_t plen;
  uint32_t port;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &packed, &plen) ||
      !bs_get_u32(env, argv[2], &port))
    return NULL;
  const char *why = NULL;
  return bs_encoded(env, bs_encode_rds(ss, packed, plen, port, &why), why);
}
#endif

#ifdef BS_HAVE_BLUETOOTH
/* encode_bt_l2cap(out, bdaddr6, psm), encode_bt_rfcomm(out, bdaddr6, channel),
 * encode_bt_hci(out, dev), encode_bt_sco(out, bdaddr6): bdaddr6 is the six
 * address bytes in the kernel's order (least significant first). */
static napi_value js_encode_bt_l2cap(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  void *bd;
  size_t blen;
  uint32_t psm;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &bd, &blen) ||
      !bs_get_u32(env, argv[2], &psm))
    return NULL;
  const char *why = NULL;
  return bs_encoded(env, bs_encode_bt_l2cap(ss, bd, blen, psm, &why), why);
}

static napi_value js_encode_bt_rfcomm(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  void *bd;
  size_t blen;
  uint32_t channel;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &bd, &blen) ||
      !bs_get_u32(env, argv[2], &channel))
    return NULL;
  const char *why = NULL;
  return bs_encoded(env, bs_encode_bt_rfcomm(ss, bd, blen, channel, &why), why);
}

static napi_value js_encode_bt_hci(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  uint32_t dev;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_u32(env, argv[1], &dev)) return NULL;
  return bs_encoded(env, bs_encode_bt_hci(ss, dev), NULL);
}

static napi_value js_encode_bt_sco(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  void *bd;
  size_t blen;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &bd, &blen)) return NULL;
  const char *why = NULL;
  return bs_encoded(env, bs_encode_bt_sco(ss, bd, blen, &why), why);
}
#endif

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
