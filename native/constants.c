/* TEMPORARY: replaced by the generated table (scripts/gen-constants.py). */
#include "bs.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#define C(name) napi_set_named_property(env, o, #name, bs_int(env, name))
void bs_register_constants(napi_env env, napi_value exports) {
  napi_value o;
  napi_create_object(env, &o);
  C(AF_UNSPEC); C(AF_INET); C(AF_INET6); C(AF_UNIX); C(SOCK_STREAM); C(SOCK_DGRAM);
  C(SOCK_RAW); C(SOCK_SEQPACKET); C(SOCK_NONBLOCK); C(SOCK_CLOEXEC); C(SOL_SOCKET);
  C(SO_REUSEADDR); C(SO_TYPE); C(SO_DOMAIN); C(SO_PROTOCOL); C(SO_ERROR); C(SO_REUSEPORT);
  C(IPPROTO_TCP); C(IPPROTO_UDP); C(IPPROTO_IPV6); C(IPV6_V6ONLY); C(TCP_NODELAY);
  C(SHUT_RD); C(SHUT_WR); C(SHUT_RDWR); C(SOMAXCONN); C(MSG_PEEK); C(MSG_DONTWAIT);
  C(INADDR_ANY); C(INADDR_BROADCAST); C(AF_PACKET); C(AF_NETLINK); C(IPPROTO_UDPLITE); C(SO_RCVBUF);C(SO_SNDBUF);
  napi_set_named_property(env, exports, "constants", o);
}
