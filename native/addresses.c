/* sockaddr encoding and decoding for the families every platform has
 * (AF_INET, AF_INET6, AF_UNIX) and the raw form of any other family.
 * Other families are decoded by families.c through bs_family_decode.
 * Encoders write into a JS buffer of at least sizeof(sockaddr_storage)
 * bytes and return the address length; decoders return [family, ...fields]. */
#include "bs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

static bool get_exact(napi_env env, napi_value v, size_t want, const void **p) {
  void *data;
  size_t len;
  if (!bs_get_bytes(env, v, &data, &len)) return false;
  if (len != want) {
    napi_throw_range_error(env, NULL, "native: packed address has the wrong length");
    return false;
  }
  *p = data;
  return true;
}

/* encode_inet(out, packed4, port) -> length */
static napi_value js_encode_inet(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  const void *packed;
  uint32_t port;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !get_exact(env, argv[1], 4, &packed) ||
      !bs_get_u32(env, argv[2], &port))
    return NULL;
  if (port > 65535) BS_THROW_RANGE(env, "native: port out of range");
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
#ifdef __APPLE__
  sin->sin_len = sizeof *sin;
#endif
  sin->sin_family = AF_INET;
  sin->sin_port = htons((uint16_t)port);
  memcpy(&sin->sin_addr, packed, 4);
  return bs_int(env, sizeof *sin);
}

/* encode_inet6(out, packed16, port, flowinfo, scope_id) -> length */
static napi_value js_encode_inet6(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 5);
  struct sockaddr_storage *ss;
  const void *packed;
  uint32_t port, flowinfo, scope;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !get_exact(env, argv[1], 16, &packed) ||
      !bs_get_u32(env, argv[2], &port) || !bs_get_u32(env, argv[3], &flowinfo) ||
      !bs_get_u32(env, argv[4], &scope))
    return NULL;
  if (port > 65535) BS_THROW_RANGE(env, "native: port out of range");
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
#ifdef __APPLE__
  sin6->sin6_len = sizeof *sin6;
#endif
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((uint16_t)port);
  sin6->sin6_flowinfo = htonl(flowinfo);
  memcpy(&sin6->sin6_addr, packed, 16);
  sin6->sin6_scope_id = scope;
  return bs_int(env, sizeof *sin6);
}

/* encode_unix(out, pathBytes) -> length | -ENAMETOOLONG.  An empty path gives
 * the bare family (Linux autobind on bind, unnamed otherwise). */
static napi_value js_encode_unix(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  void *path;
  size_t len;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &path, &len)) return NULL;
  struct sockaddr_un *sun = (struct sockaddr_un *)ss;
  /* An abstract name (leading NUL) or the empty autobind name may fill
   * sun_path; a filesystem path needs room for its terminating NUL, which
   * is counted in the length (CPython's getsockaddrarg does the same). */
  bool filesystem = true;
#ifdef __linux__
  if (len == 0 || ((const char *)path)[0] == '\0') filesystem = false;
#endif
  if (filesystem ? len >= sizeof sun->sun_path : len > sizeof sun->sun_path)
    return bs_int(env, -ENAMETOOLONG);
  sun->sun_family = AF_UNIX;
  if (len > 0) memcpy(sun->sun_path, path, len); /* the empty name may be a NULL buffer */
  size_t total = offsetof(struct sockaddr_un, sun_path) + len + (filesystem ? 1 : 0);
#ifdef __APPLE__
  sun->sun_len = (unsigned char)total;
#endif
  return bs_int(env, (int64_t)total);
}

/* encode_raw(out, family, dataBytes) -> length: sa_family followed by data. */
static napi_value js_encode_raw(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  int32_t family;
  void *data;
  size_t len;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_i32(env, argv[1], &family) ||
      !bs_get_bytes(env, argv[2], &data, &len))
    return NULL;
  size_t off = offsetof(struct sockaddr, sa_data);
  if (len > sizeof(struct sockaddr_storage) - off) BS_THROW_RANGE(env, "native: raw address too long");
  ss->ss_family = (sa_family_t)family;
  memcpy((char *)ss + off, data, len);
  return bs_int(env, (int64_t)(off + len));
}

/* The shared decoder: [family, ...fields] or null for an empty address. */
static napi_value decode(napi_env env, const struct sockaddr *sa, socklen_t len) {
  if (len == 0 || len < offsetof(struct sockaddr, sa_data)) return bs_null(env);
  char host[INET6_ADDRSTRLEN];
  switch (sa->sa_family) {
    case AF_INET: {
      if (len < sizeof(struct sockaddr_in)) break;
      const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
      inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
      napi_value items[3] = {bs_int(env, AF_INET), bs_str(env, host),
                             bs_int(env, ntohs(sin->sin_port))};
      return bs_array(env, 3, items);
    }
    case AF_INET6: {
      if (len < sizeof(struct sockaddr_in6)) break;
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
      inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
      napi_value items[5] = {bs_int(env, AF_INET6), bs_str(env, host),
                             bs_int(env, ntohs(sin6->sin6_port)),
                             bs_int(env, ntohl(sin6->sin6_flowinfo)),
                             bs_int(env, sin6->sin6_scope_id)};
      return bs_array(env, 5, items);
    }
    case AF_UNIX: {
      const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
      size_t off = offsetof(struct sockaddr_un, sun_path);
      size_t n = len > off ? len - off : 0;
      if (n > sizeof sun->sun_path) n = sizeof sun->sun_path;
#ifdef __linux__
      if (n > 0 && sun->sun_path[0] == '\0') {
        /* Abstract name: every byte counts, NULs included. */
        napi_value items[2] = {bs_int(env, AF_UNIX), bs_buffer_copy(env, sun->sun_path, n)};
        return bs_array(env, 2, items);
      }
#endif
      size_t plen = strnlen(sun->sun_path, n);
      napi_value items[2] = {bs_int(env, AF_UNIX), bs_buffer_copy(env, sun->sun_path, plen)};
      return bs_array(env, 2, items);
    }
    default: {
      napi_value out;
      if (bs_family_decode(env, sa, len, &out)) return out;
      break;
    }
  }
  /* Unknown family or short address: the family and its raw bytes. */
  size_t off = offsetof(struct sockaddr, sa_data);
  napi_value items[2] = {bs_int(env, sa->sa_family),
                         bs_buffer_copy(env, (const char *)sa + off, len - off)};
  return bs_array(env, 2, items);
}

/* decode_scratch(scratch) -> [family, ...] | null, from a kernel-filled scratch */
static napi_value js_decode_scratch(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  struct sockaddr *sa;
  uint32_t *lenp;
  if (!bs_get_scratch(env, argv[0], &sa, &lenp)) return NULL;
  socklen_t len = *lenp;
  if (len > sizeof(struct sockaddr_storage)) len = sizeof(struct sockaddr_storage);
  return decode(env, sa, len);
}

/* decode_sockaddr(buf, len) -> [family, ...] | null */
static napi_value js_decode_sockaddr(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr *sa;
  socklen_t len;
  if (!bs_get_sockaddr(env, argv[0], argv[1], &sa, &len)) return NULL;
  /* Copy so that the decoders may assume alignment. */
  struct sockaddr_storage ss;
  memcpy(&ss, sa, len);
  return decode(env, (struct sockaddr *)&ss, len);
}

/* inet_pton(family, text) -> Buffer | null (not a valid literal) | -errno */
static napi_value js_inet_pton(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int32_t family;
  if (!bs_get_i32(env, argv[0], &family)) return NULL;
  char text[INET6_ADDRSTRLEN + 64];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[1], text, sizeof text, &n) != napi_ok)
    BS_THROW_TYPE(env, "native: expected a string");
  if (n >= sizeof text - 1) return bs_null(env);
  /* An embedded NUL would make inet_pton read a prefix: not an address. */
  if (strlen(text) != n) return bs_null(env);
  unsigned char out[16];
  int r = inet_pton(family, text, out);
  if (r < 0) return bs_int(env, -errno);
  if (r == 0) return bs_null(env);
  return bs_buffer_copy(env, out, family == AF_INET ? 4 : 16);
}

/* inet_ntop(family, packed) -> string | -errno */
static napi_value js_inet_ntop(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int32_t family;
  void *data;
  size_t len;
  if (!bs_get_i32(env, argv[0], &family) || !bs_get_bytes(env, argv[1], &data, &len)) return NULL;
  size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (want == 0) return bs_int(env, -EAFNOSUPPORT);
  if (len != want) BS_THROW_RANGE(env, "native: packed address has the wrong length");
  char host[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, data, host, sizeof host)) return bs_int(env, -errno);
  return bs_str(env, host);
}

void bs_register_addresses(napi_env env, napi_value exports) {
  bs_export(env, exports, "encode_inet", js_encode_inet);
  bs_export(env, exports, "encode_inet6", js_encode_inet6);
  bs_export(env, exports, "encode_unix", js_encode_unix);
  bs_export(env, exports, "encode_raw", js_encode_raw);
  bs_export(env, exports, "decode_scratch", js_decode_scratch);
  bs_export(env, exports, "decode_sockaddr", js_decode_sockaddr);
  bs_export(env, exports, "inet_pton", js_inet_pton);
  bs_export(env, exports, "inet_ntop", js_inet_ntop);
  napi_value v = bs_int(env, (int64_t)sizeof(((struct sockaddr_un *)0)->sun_path));
  napi_set_named_property(env, exports, "SUN_PATH_SIZE", v);
}
