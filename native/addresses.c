/* The address exports: sockaddr encode/decode for AF_INET, AF_INET6, AF_UNIX
 * and the raw bytes of any family, inet_pton/inet_ntop.  The codecs
 * themselves are plain C in sockaddr.c (shared with the fuzz harnesses);
 * this file reads the JS arguments and builds the JS results.  Encoders write
 * into a JS buffer of at least sizeof(sockaddr_storage) bytes and return the
 * address length; decoders return [family, ...fields]. */
#include "bs.h"
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

/* encode_inet(out, packed4, port) -> length */
static napi_value js_encode_inet(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  struct sockaddr_storage *ss;
  void *packed;
  size_t plen;
  uint32_t port;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &packed, &plen) ||
      !bs_get_u32(env, argv[2], &port))
    return NULL;
  const char *why = NULL;
  return bs_encoded(env, bs_encode_inet(ss, packed, plen, port, &why), why);
}

/* encode_inet6(out, packed16, port, flowinfo, scope_id) -> length */
static napi_value js_encode_inet6(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 5);
  struct sockaddr_storage *ss;
  void *packed;
  size_t plen;
  uint32_t port, flowinfo, scope;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &packed, &plen) ||
      !bs_get_u32(env, argv[2], &port) || !bs_get_u32(env, argv[3], &flowinfo) ||
      !bs_get_u32(env, argv[4], &scope))
    return NULL;
  const char *why = NULL;
  return bs_encoded(env, bs_encode_inet6(ss, packed, plen, port, flowinfo, scope, &why), why);
}

/* encode_unix(out, pathBytes) -> length | -ENAMETOOLONG.  An empty path gives
 * the bare family (Linux autobind on bind, unnamed otherwise). */
static napi_value js_encode_unix(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  struct sockaddr_storage *ss;
  void *path;
  size_t len;
  if (!bs_get_sockaddr_out(env, argv[0], &ss) || !bs_get_bytes(env, argv[1], &path, &len)) return NULL;
  return bs_int(env, bs_encode_unix(ss, path, len));
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
  const char *why = NULL;
  return bs_encoded(env, bs_encode_raw(ss, family, data, len, &why), why);
}

/* [family, ...fields] or null for an empty address. */
static napi_value decode(napi_env env, const struct sockaddr *sa, socklen_t len) {
  bs_napi_emit sink;
  bs_napi_emit_init(&sink, env);
  bs_sockaddr_decode(sa, len, &sink.base);
  return bs_napi_emit_result(&sink);
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
  unsigned char out[16];
  int r = bs_inet_pton_text(family, text, n, out);
  if (r == 0 || r == -1) return bs_null(env);
  if (r < 0) return bs_int(env, r);
  return bs_buffer_copy(env, out, (size_t)r);
}

/* inet_ntop(family, packed) -> string | -errno */
static napi_value js_inet_ntop(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int32_t family;
  void *data;
  size_t len;
  if (!bs_get_i32(env, argv[0], &family) || !bs_get_bytes(env, argv[1], &data, &len)) return NULL;
  char host[INET6_ADDRSTRLEN];
  const char *why = NULL;
  int r = bs_inet_ntop_text(family, data, len, host, sizeof host, &why);
  if (r == 0) BS_THROW_RANGE(env, why);
  if (r < 0) return bs_int(env, r);
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
