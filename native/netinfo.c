/* Host name, network interfaces and inet_aton: thin wrappers of
 * gethostname(2), sethostname(2), if_nameindex(3), if_nametoindex(3),
 * if_indextoname(3) and inet_aton(3).  Results are >= 0 / values, or -errno
 * (native/README.md).  Names cross as bytes; TypeScript decodes them the way
 * Python does (file-system encoding with surrogateescape). */
#include "bs.h"
#include "results.h"
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A NUL-terminated copy of a bytes argument (malloc'ed), or NULL after throwing. */
static char *bytes_cstr(napi_env env, napi_value v, size_t *len) {
  void *data;
  size_t n;
  if (!bs_get_bytes(env, v, &data, &n)) return NULL;
  char *s = malloc(n + 1);
  if (!s) {
    napi_throw_error(env, NULL, "native: out of memory");
    return NULL;
  }
  if (n > 0) memcpy(s, data, n); /* an empty buffer may have no memory (NULL) */
  s[n] = '\0';
  if (len) *len = n;
  return s;
}

/* gethostname() -> Buffer | -errno */
static napi_value js_gethostname(napi_env env, napi_callback_info info) {
  char buf[1024];
  if (gethostname(buf, sizeof buf - 1) < 0) return bs_int(env, -errno);
  buf[sizeof buf - 1] = '\0';
  return bs_buffer_copy(env, buf, strlen(buf));
}

/* sethostname(nameBytes) -> 0 | -errno */
static napi_value js_sethostname(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  void *data;
  size_t n;
  if (!bs_get_bytes(env, argv[0], &data, &n)) return NULL;
  /* An empty buffer may have no memory (NULL); sethostname's name is nonnull. */
  if (sethostname(n > 0 ? data : "", n) < 0) return bs_int(env, -errno);
  return bs_int(env, 0);
}

/* if_nameindex() -> [[index, nameBuffer], ...] | -errno */
static napi_value js_if_nameindex(napi_env env, napi_callback_info info) {
  struct if_nameindex *ni = if_nameindex();
  if (!ni) return bs_int(env, -errno);
  bs_napi_emit sink;
  bs_napi_emit_init(&sink, env);
  bs_emit_nameindex(ni, &sink.base);
  if_freenameindex(ni);
  return bs_napi_emit_result(&sink);
}

/* if_nametoindex(nameBytes) -> index (0: no such interface) */
static napi_value js_if_nametoindex(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  char *name = bytes_cstr(env, argv[0], NULL);
  if (!name) return NULL;
  unsigned idx = if_nametoindex(name);
  free(name);
  return bs_int(env, idx);
}

/* if_indextoname(index) -> Buffer | -errno */
static napi_value js_if_indextoname(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  uint32_t idx;
  if (!bs_get_u32(env, argv[0], &idx)) return NULL;
  char name[IF_NAMESIZE + 1];
  if (!if_indextoname(idx, name)) return bs_int(env, -errno);
  return bs_buffer_copy(env, name, strlen(name));
}

/* inet_aton(text) -> Buffer(4) | null (not an address) */
static napi_value js_inet_aton(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  char text[256];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], text, sizeof text, &n) != napi_ok)
    BS_THROW_TYPE(env, "native: expected a string");
  unsigned char a[4];
  int r;
  /* A longer text may still be an address followed by junk after a space
   * (glibc stops there), so read it whole. */
  if (n >= sizeof text - 1) {
    size_t full;
    napi_get_value_string_utf8(env, argv[0], NULL, 0, &full);
    char *big = malloc(full + 1);
    if (!big) {
      napi_throw_error(env, NULL, "native: out of memory");
      return NULL;
    }
    napi_get_value_string_utf8(env, argv[0], big, full + 1, &n);
    r = bs_inet_aton_text(big, n, a);
    free(big);
  } else {
    r = bs_inet_aton_text(text, n, a);
  }
  if (r < 0) {
    napi_throw_error(env, NULL, "native: out of memory");
    return NULL;
  }
  return r ? bs_buffer_copy(env, a, 4) : bs_null(env);
}

/* inet_pton_into(family, text, out16) -> 4 | 16 (bytes written to out16),
 * 0 (not an address), -1 (the text holds a NUL), -errno.  The packed bytes go
 * into a caller's buffer so the hot path allocates nothing here. */
static napi_value js_inet_pton_into(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  int32_t family;
  if (!bs_get_i32(env, argv[0], &family)) return NULL;
  void *out;
  size_t cap;
  if (!bs_get_bytes(env, argv[2], &out, &cap)) return NULL;
  if (cap < 16) BS_THROW_RANGE(env, "native: inet_pton_into needs 16 bytes");
  char text[INET6_ADDRSTRLEN + 64];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[1], text, sizeof text, &n) != napi_ok)
    BS_THROW_TYPE(env, "native: expected a string");
  return bs_int(env, bs_inet_pton_text(family, text, n, out));
}

/* inet_pton4(text) -> the address as a u32 (first byte most significant),
 * -1 (not an address) or -2 (the text holds a NUL).  No buffer crosses the
 * boundary: the hottest conversion allocates nothing here. */
static napi_value js_inet_pton4(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  char text[INET6_ADDRSTRLEN + 64];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], text, sizeof text, &n) != napi_ok)
    BS_THROW_TYPE(env, "native: expected a string");
  struct in_addr a;
  int r = bs_inet_pton_text(AF_INET, text, n, &a);
  if (r == -1) return bs_int(env, -2);
  if (r != 4) return bs_int(env, -1);
  return bs_int(env, (int64_t)ntohl(a.s_addr));
}

/* inet_pton6(text) -> 16 (the bytes are in the 16-byte ArrayBuffer
 * `inet_pton6_scratch` of this environment), -1 or -2 as inet_pton4. */
static napi_value js_inet_pton6(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  void *keep;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &keep) != napi_ok) return NULL;
  if (argc < 1) BS_THROW_TYPE(env, "native: missing argument");
  /* The scratch is reachable from JS, which may detach it (a transfer): read
   * its pointer and length now, never a pointer saved at registration. */
  napi_value ab;
  void *out;
  size_t cap;
  if (napi_get_reference_value(env, (napi_ref)keep, &ab) != napi_ok || ab == NULL ||
      napi_get_arraybuffer_info(env, ab, &out, &cap) != napi_ok || cap < 16)
    BS_THROW_RANGE(env, "native: inet_pton6_scratch was detached");
  char text[INET6_ADDRSTRLEN + 64];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], text, sizeof text, &n) != napi_ok)
    BS_THROW_TYPE(env, "native: expected a string");
  int r = bs_inet_pton_text(AF_INET6, text, n, out);
  if (r == -1) return bs_int(env, -2);
  return bs_int(env, r == 16 ? 16 : -1);
}

/* A reference deleted when its environment goes away: references are the
 * addon's to delete, and the environment only unlinks the ones left. */
typedef struct {
  napi_env env;
  napi_ref ref;
} env_ref;

static void env_ref_delete(void *arg) {
  env_ref *owner = arg;
  napi_delete_reference(owner->env, owner->ref);
  free(owner);
}

void bs_register_netinfo(napi_env env, napi_value exports) {
  bs_export(env, exports, "gethostname", js_gethostname);
  bs_export(env, exports, "sethostname", js_sethostname);
  bs_export(env, exports, "if_nameindex", js_if_nameindex);
  bs_export(env, exports, "if_nametoindex", js_if_nametoindex);
  bs_export(env, exports, "if_indextoname", js_if_indextoname);
  bs_export(env, exports, "inet_aton", js_inet_aton);
  bs_export(env, exports, "inet_pton_into", js_inet_pton_into);
  bs_export(env, exports, "inet_pton4", js_inet_pton4);
  /* Per environment (never global): inet_pton6's output buffer, kept alive
   * by a reference for the environment's lifetime and reachable from JS. */
  void *scratch;
  napi_value ab, fn;
  napi_ref keep;
  env_ref *owner = malloc(sizeof *owner);
  if (owner != NULL && napi_create_arraybuffer(env, 16, &scratch, &ab) == napi_ok &&
      napi_create_reference(env, ab, 1, &keep) == napi_ok) {
    owner->env = env;
    owner->ref = keep;
    napi_add_env_cleanup_hook(env, env_ref_delete, owner);
    owner = NULL;
    if (napi_create_function(env, "inet_pton6", NAPI_AUTO_LENGTH, js_inet_pton6, keep, &fn) == napi_ok) {
      napi_set_named_property(env, exports, "inet_pton6_scratch", ab);
      napi_set_named_property(env, exports, "inet_pton6", fn);
    }
  }
  free(owner);
}
