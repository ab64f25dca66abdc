/* Shared helpers for the bsd-socket addon: checked argument readers and the
 * registration hooks of each concern file.  Every exported function follows
 * one convention (see native/README.md): system-call failures come back as a
 * negative errno number, never as a thrown exception; only arguments that
 * would break memory safety throw (TypeError/RangeError), and the TypeScript
 * layer validates before calling, so those throws are a second line. */
#ifndef BS_H
#define BS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "emit.h"

#define BS_MAX_ARGS 8

/* Fails the current function with a thrown error and returns NULL. */
#define BS_THROW_TYPE(env, msg) \
  do { napi_throw_type_error((env), NULL, (msg)); return NULL; } while (0)
#define BS_THROW_RANGE(env, msg) \
  do { napi_throw_range_error((env), NULL, (msg)); return NULL; } while (0)

/* Reads up to BS_MAX_ARGS arguments into argv (missing ones are undefined). */
#define BS_ARGS(env, info, n)                                              \
  napi_value argv[BS_MAX_ARGS];                                            \
  size_t argc = (n);                                                       \
  if (napi_get_cb_info((env), (info), &argc, argv, NULL, NULL) != napi_ok) \
    return NULL;                                                           \
  if (argc < (size_t)(n)) BS_THROW_TYPE((env), "native: missing argument")

/* Checked readers: return false after throwing when the value is unusable.
 * The bs_to_* forms take a number already read (a call-frame slot). */
static inline bool bs_to_i32(napi_env env, double d, int32_t *out) {
  if (!(d > (double)INT32_MIN - 1 && d < (double)UINT32_MAX + 1)) {
    napi_throw_range_error(env, NULL, "native: value out of 32-bit range");
    return false;
  }
  if (d != (double)(int64_t)d) { /* a fraction (NaN failed the range test) */
    napi_throw_range_error(env, NULL, "native: expected an integer");
    return false;
  }
  *out = d < 0 ? (int32_t)d : (int32_t)(uint32_t)d;
  return true;
}

/* A boolean, or a TypeError (napi_get_value_bool fails without throwing). */
static inline bool bs_get_bool(napi_env env, napi_value v, bool *out) {
  if (napi_get_value_bool(env, v, out) == napi_ok) return true;
  napi_throw_type_error(env, NULL, "native: expected a boolean");
  return false;
}

static inline bool bs_to_fd(napi_env env, double d, int *out) {
  int32_t fd;
  if (!bs_to_i32(env, d, &fd)) return false;
  if (fd < 0) {
    napi_throw_range_error(env, NULL, "native: negative file descriptor");
    return false;
  }
  *out = fd;
  return true;
}

bool bs_get_i32(napi_env env, napi_value v, int32_t *out);
bool bs_get_u32(napi_env env, napi_value v, uint32_t *out);
bool bs_get_i64(napi_env env, napi_value v, int64_t *out);
bool bs_get_fd(napi_env env, napi_value v, int *out);
/* Any TypedArray, DataView or ArrayBuffer: pointer and byte length. */
/* Whether v is one of the bytes-like kinds bs_get_bytes accepts, taking no
 * pointer (lets a list fail at its first bad element before any is pinned). */
bool bs_is_bytes(napi_env env, napi_value v);
bool bs_get_bytes(napi_env env, napi_value v, void **data, size_t *len);
/* Like bs_get_bytes, but null/undefined gives data=NULL, len=0. */
bool bs_get_bytes_or_null(napi_env env, napi_value v, void **data, size_t *len);

napi_value bs_int(napi_env env, int64_t v);
napi_value bs_double(napi_env env, double v);
napi_value bs_str(napi_env env, const char *s);
napi_value bs_undefined(napi_env env);
napi_value bs_null(napi_env env);
/* A new Buffer holding a copy of len bytes. */
napi_value bs_buffer_copy(napi_env env, const void *data, size_t len);

/* The 128-byte, 8-aligned sockaddr out-buffer of the encode_* functions,
 * zeroed. Throws RangeError when too small or misaligned. */
bool bs_get_sockaddr_out(napi_env env, napi_value v, struct sockaddr_storage **out);
/* A JS array of n values (decoded address fields). */
napi_value bs_array(napi_env env, size_t n, napi_value *items);

/* Adds one function to the exports object. */
void bs_export(napi_env env, napi_value exports, const char *name, napi_callback fn);

/* A sockaddr buffer from JS: the storage and its length.  The scratch layout
 * used for addresses coming out of the kernel is [u32 length][4 pad][storage]. */
#define BS_SCRATCH_SIZE (8 + sizeof(struct sockaddr_storage))
bool bs_get_sockaddr(napi_env env, napi_value buf, napi_value len,
                     struct sockaddr **sa, socklen_t *salen);
/* The same with the length already read (a call-frame slot). */
bool bs_to_sockaddr(napi_env env, napi_value buf, double len, struct sockaddr **sa, socklen_t *salen);
bool bs_get_scratch(napi_env env, napi_value v, struct sockaddr **sa, uint32_t **lenp);

/* The call frame: a per-environment block of doubles from which the hot
 * calls (send, recv, sendto, recvfrom) read their numeric arguments and into
 * which they write their result, so that a call passes only its buffers as
 * JS values.  Each napi_get_value_* and napi_create_* is a call through
 * Node-API; on the send/recv path they cost more than the system call's own
 * user-space work.  The frame's memory belongs to C (an external ArrayBuffer
 * that JS sees as a Float64Array), so nothing JS does to it (a transfer, a
 * detach) can free memory C reads; every slot is range-checked on each call
 * like any other argument. */
enum {
  BS_FRAME_FD, BS_FRAME_OFFSET, BS_FRAME_LENGTH, BS_FRAME_FLAGS, BS_FRAME_SALEN,
  BS_FRAME_RESULT = 7, BS_FRAME_SLOTS = 8
};
/* After the slots, the frame holds a few data bytes: send_small and
 * recv_small move payloads this short through them instead of a buffer
 * argument, because looking a buffer up through Node-API (napi_get_cb_info's
 * argument, then the view's backing store and length) costs ~270 instructions
 * per call, far more than JS copying a few bytes. */
enum { BS_FRAME_BYTES = 32 };
typedef struct bs_frame bs_frame;
/* Creates this environment's frame and exports it as `call_frame`. */
bs_frame *bs_frame_create(napi_env env, napi_value exports);
/* Adds a function whose callback data is the frame. */
void bs_export_framed(napi_env env, napi_value exports, const char *name, napi_callback fn,
                      bs_frame *frame);
/* The slots, from a framed function's callback data; NULL after throwing. */
double *bs_frame_slots(napi_env env, void *data);
/* The slots of this environment's frame (its instance data); NULL after throwing. */
double *bs_frame_of_env(napi_env env);
/* The [OFFSET, LENGTH] window of a bytes-like value, checked against it. */
bool bs_frame_window(napi_env env, napi_value buf, const double *slots, char **p, size_t *n);
/* The frame's own data bytes, LENGTH of them (checked: at most BS_FRAME_BYTES). */
bool bs_frame_small(napi_env env, double *slots, char **p, size_t *n);

/* Registration hooks, one per concern file. */
void bs_register_calls(napi_env env, napi_value exports);
void bs_register_addresses(napi_env env, napi_value exports);
void bs_register_families(napi_env env, napi_value exports);
void bs_register_messages(napi_env env, napi_value exports);
void bs_register_polling(napi_env env, napi_value exports);
void bs_register_reactor(napi_env env, napi_value exports);
void bs_register_resolver(napi_env env, napi_value exports);
void bs_register_select(napi_env env, napi_value exports);
void bs_register_netinfo(napi_env env, napi_value exports);
void bs_register_constants(napi_env env, napi_value exports);

/* The addon's bs_emit sink (emit_napi.c): a parser's events become JS values
 * (lists become arrays, nested at most BS_EMIT_DEPTH deep). */
#define BS_EMIT_DEPTH 4
typedef struct {
  bs_emit base;
  napi_env env;
  napi_value stack[BS_EMIT_DEPTH];
  uint32_t count[BS_EMIT_DEPTH];
  int depth;
  napi_value result;
  bool failed;
} bs_napi_emit;
void bs_napi_emit_init(bs_napi_emit *s, napi_env env);
/* The value built, or NULL when a Node-API call failed. */
napi_value bs_napi_emit_result(bs_napi_emit *s);

/* An encoder's result (sockaddr.h) as a JS value: 0 throws RangeError(why). */
static inline napi_value bs_encoded(napi_env env, int64_t r, const char *why) {
  if (r == 0) BS_THROW_RANGE(env, why ? why : "native: address out of range");
  return bs_int(env, r);
}

#endif
