/* Name services: getaddrinfo and friends.  The rest of the resolver
 * (getnameinfo, gethostby*_r, getserv*, getproto*, hostnames, interfaces,
 * thread-pool twins) belongs to the name-services work (issue 4). */
#include "bs.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

static bool opt_string(napi_env env, napi_value v, char **out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    *out = NULL;
    return true;
  }
  if (t != napi_string) {
    napi_throw_type_error(env, NULL, "native: expected a string or null");
    return false;
  }
  size_t n;
  napi_get_value_string_utf8(env, v, NULL, 0, &n);
  *out = malloc(n + 1);
  if (!*out) {
    napi_throw_error(env, NULL, "native: out of memory");
    return false;
  }
  napi_get_value_string_utf8(env, v, *out, n + 1, &n);
  return true;
}

/* getaddrinfo(host|null, service|null, family, type, proto, flags)
 *   -> [[family, type, proto, canonname, sockaddrBuffer], ...]
 *    | {gai: EAI_code, errno: errno}  */
static napi_value js_getaddrinfo(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 6);
  char *host = NULL, *serv = NULL;
  int32_t family, type, proto, flags;
  if (!bs_get_i32(env, argv[2], &family) || !bs_get_i32(env, argv[3], &type) ||
      !bs_get_i32(env, argv[4], &proto) || !bs_get_i32(env, argv[5], &flags))
    return NULL;
  if (!opt_string(env, argv[0], &host)) return NULL;
  if (!opt_string(env, argv[1], &serv)) {
    free(host);
    return NULL;
  }
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  errno = 0;
  int r = getaddrinfo(host, serv, &hints, &res);
  int e = errno;
  free(host);
  free(serv);
  if (r != 0) {
    napi_value o;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "gai", bs_int(env, r));
    napi_set_named_property(env, o, "errno", bs_int(env, e));
    return o;
  }
  napi_value list;
  napi_create_array(env, &list);
  uint32_t i = 0;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    napi_value item;
    napi_create_array_with_length(env, 5, &item);
    napi_set_element(env, item, 0, bs_int(env, ai->ai_family));
    napi_set_element(env, item, 1, bs_int(env, ai->ai_socktype));
    napi_set_element(env, item, 2, bs_int(env, ai->ai_protocol));
    napi_set_element(env, item, 3, bs_str(env, ai->ai_canonname ? ai->ai_canonname : ""));
    napi_set_element(env, item, 4, bs_buffer_copy(env, ai->ai_addr, ai->ai_addrlen));
    napi_set_element(env, list, i++, item);
  }
  freeaddrinfo(res);
  return list;
}

/* gai_strerror(code) -> text */
static napi_value js_gai_strerror(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t code;
  if (!bs_get_i32(env, argv[0], &code)) return NULL;
  return bs_str(env, gai_strerror(code));
}

void bs_register_resolver(napi_env env, napi_value exports) {
  bs_export(env, exports, "getaddrinfo", js_getaddrinfo);
  bs_export(env, exports, "gai_strerror", js_gai_strerror);
}
