/* The headers of the families beyond AF_INET, AF_INET6 and AF_UNIX, each
 * guarded by its address-family macro and the header's presence; each sets
 * BS_HAVE_<FAMILY> when its codec can be built.  Shared by the codecs
 * (sockaddr.c) and the addon's family exports (families.c). */
#ifndef BS_FAMILY_HEADERS_H
#define BS_FAMILY_HEADERS_H

#include <sys/socket.h>

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

#endif
