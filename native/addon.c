/* Module entry: every concern file registers its own functions. No global
 * mutable state lives here, so the addon loads once per environment (main
 * thread and each worker) without sharing anything. */
#include "bs.h"

#include <stdlib.h>
#include <string.h>

/* The getters below rely on napi_get_value_* reporting napi_number_expected
 * for non-numbers: one Node-API call per argument on the hot path.
 * napi_get_value_int32 would wrap 2**32 + 5 to 5 and turn NaN/Infinity into
 * 0 (a wrong descriptor, e.g. close(NaN) closing stdin), so the double is
 * read and range-checked: [INT32_MIN, UINT32_MAX], the unsigned half wrapping
 * as a C int flag word does; fractions truncate toward zero as before. */
bool bs_get_i32(napi_env env, napi_value v, int32_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    napi_throw_type_error(env, NULL, "native: expected a number");
    return false;
  }
  return bs_to_i32(env, d, out);
}

bool bs_get_u32(napi_env env, napi_value v, uint32_t *out) {
  int64_t x;
  if (!bs_get_i64(env, v, &x)) return false;
  if (x < 0 || x > UINT32_MAX) {
    napi_throw_range_error(env, NULL, "native: value out of unsigned 32-bit range");
    return false;
  }
  *out = (uint32_t)x;
  return true;
}

bool bs_get_i64(napi_env env, napi_value v, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    napi_throw_type_error(env, NULL, "native: expected a number");
    return false;
  }
  /* napi_get_value_int64 would make NaN and the infinities 0 and truncate
   * fractions: refuse them (and anything past 2^53, which is not exact). */
  if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != (double)(int64_t)d) {
    napi_throw_range_error(env, NULL, "native: expected an integer");
    return false;
  }
  *out = (int64_t)d;
  return true;
}

bool bs_get_fd(napi_env env, napi_value v, int *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    napi_throw_type_error(env, NULL, "native: expected a number");
    return false;
  }
  return bs_to_fd(env, d, out);
}

bool bs_is_bytes(napi_env env, napi_value v) {
  bool is = false;
  if (napi_is_buffer(env, v, &is) == napi_ok && is) return true;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) return true;
  if (napi_is_dataview(env, v, &is) == napi_ok && is) return true;
  return napi_is_arraybuffer(env, v, &is) == napi_ok && is;
}

bool bs_get_bytes(napi_env env, napi_value v, void **data, size_t *len) {
  /* Any ArrayBufferView (Buffer, Uint8Array, other typed arrays, DataView):
   * napi_get_buffer_info gives its bytes and byte length in one call, without
   * napi_get_typedarray_info's element-type chain (the hot path of every
   * send and recv).  It refuses anything else without throwing. */
  if (napi_get_buffer_info(env, v, data, len) == napi_ok) return true;
  bool is;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t length;
    /* No ArrayBuffer out-parameter: asking for it makes V8 materialize one. */
    if (napi_get_typedarray_info(env, v, &type, &length, data, NULL, NULL) != napi_ok)
      return false;
    size_t elem = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: elem = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: elem = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elem = 8; break;
      default: elem = 1;
    }
    *len = length * elem;
    return true;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    return napi_get_dataview_info(env, v, len, data, NULL, NULL) == napi_ok;
  }
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    return napi_get_arraybuffer_info(env, v, data, len) == napi_ok;
  }
  napi_throw_type_error(env, NULL, "native: expected a bytes-like object");
  return false;
}

bool bs_get_bytes_or_null(napi_env env, napi_value v, void **data, size_t *len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined)) {
    *data = NULL;
    *len = 0;
    return true;
  }
  return bs_get_bytes(env, v, data, len);
}

napi_value bs_int(napi_env env, int64_t v) {
  napi_value r;
  if (v >= INT32_MIN && v <= INT32_MAX) napi_create_int32(env, (int32_t)v, &r);
  else napi_create_int64(env, v, &r);
  return r;
}

napi_value bs_double(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

napi_value bs_str(napi_env env, const char *s) {
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

napi_value bs_undefined(napi_env env) {
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

napi_value bs_null(napi_env env) {
  napi_value r;
  napi_get_null(env, &r);
  return r;
}

napi_value bs_buffer_copy(napi_env env, const void *data, size_t len) {
  napi_value r;
  void *dst;
  if (napi_create_buffer_copy(env, len, len ? data : "", &dst, &r) != napi_ok) return NULL;
  return r;
}

bool bs_get_sockaddr_out(napi_env env, napi_value v, struct sockaddr_storage **out) {
  void *data;
  size_t cap;
  if (!bs_get_bytes(env, v, &data, &cap)) return false;
  if (cap < sizeof(struct sockaddr_storage) || ((uintptr_t)data % 8) != 0) {
    napi_throw_range_error(env, NULL, "native: sockaddr buffer too small or misaligned");
    return false;
  }
  memset(data, 0, sizeof(struct sockaddr_storage));
  *out = (struct sockaddr_storage *)data;
  return true;
}

napi_value bs_array(napi_env env, size_t n, napi_value *items) {
  napi_value a;
  napi_create_array_with_length(env, n, &a);
  for (size_t i = 0; i < n; i++) napi_set_element(env, a, (uint32_t)i, items[i]);
  return a;
}

void bs_export(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

bool bs_to_sockaddr(napi_env env, napi_value buf, double len, struct sockaddr **sa, socklen_t *salen) {
  void *data;
  size_t cap;
  if (!bs_get_bytes(env, buf, &data, &cap)) return false;
  /* NaN and negatives fail the first comparison. */
  if (!(len >= 0 && len <= (double)cap && len <= (double)sizeof(struct sockaddr_storage))) {
    napi_throw_range_error(env, NULL, "native: sockaddr length exceeds its buffer");
    return false;
  }
  *sa = (struct sockaddr *)data;
  *salen = (socklen_t)len;
  return true;
}

bool bs_get_sockaddr(napi_env env, napi_value buf, napi_value len,
                     struct sockaddr **sa, socklen_t *salen) {
  uint32_t n;
  return bs_get_u32(env, len, &n) && bs_to_sockaddr(env, buf, n, sa, salen);
}

bool bs_get_scratch(napi_env env, napi_value v, struct sockaddr **sa, uint32_t **lenp) {
  void *data;
  size_t cap;
  if (!bs_get_bytes(env, v, &data, &cap)) return false;
  /* Alignment matters for the u32 length and for sockaddr_storage. */
  if (cap < BS_SCRATCH_SIZE || ((uintptr_t)data % 8) != 0) {
    napi_throw_range_error(env, NULL, "native: address scratch buffer too small or misaligned");
    return false;
  }
  *lenp = (uint32_t *)data;
  /* storage starts 8 bytes in to keep sockaddr_storage's alignment. */
  *sa = (struct sockaddr *)((char *)data + 8);
  return true;
}

/* What JS sees of the frame: the slots, then the data bytes. */
typedef struct {
  double slots[BS_FRAME_SLOTS];
  unsigned char bytes[BS_FRAME_BYTES];
} frame_memory;

struct bs_frame {
  frame_memory mem;
  napi_ref keep;   /* the ArrayBuffer JS sees, when it is not external */
  bool external;   /* JS sees mem itself (an external ArrayBuffer) */
};

static void frame_free(void *arg) {
  bs_frame *f = arg;
  /* The environment is going away: its references go with it. */
  free(f);
}

bs_frame *bs_frame_create(napi_env env, napi_value exports) {
  bs_frame *f = calloc(1, sizeof *f);
  if (f == NULL) return NULL;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, &f->mem, sizeof f->mem, NULL, NULL, &ab) == napi_ok) {
    f->external = true;
  } else {
    /* Runtimes that refuse external buffers (a V8 sandbox): JS gets its own
     * ArrayBuffer and each call looks its memory up again, as inet_pton6's
     * scratch does, so a detach can never leave C a dangling pointer. */
    void *unused;
    if (napi_create_arraybuffer(env, sizeof f->mem, &unused, &ab) != napi_ok ||
        napi_create_reference(env, ab, 1, &f->keep) != napi_ok) {
      free(f);
      return NULL;
    }
  }
  /* Freed with the environment; if the hook cannot be added it is kept for
   * the process's life rather than freed under a framed function. */
  napi_add_env_cleanup_hook(env, frame_free, f);
  /* The argument-less calls (send_small, recv_small) find the frame here:
   * reading the environment's instance data touches less than fetching a
   * function's callback data through napi_get_cb_info. No finalizer: the
   * cleanup hook above frees it. */
  napi_set_instance_data(env, f, NULL, NULL);
  napi_set_named_property(env, exports, "call_frame", ab);
  return f;
}

void bs_export_framed(napi_env env, napi_value exports, const char *name, napi_callback fn,
                      bs_frame *frame) {
  if (frame == NULL) return;
  napi_value f;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, frame, &f) == napi_ok)
    napi_set_named_property(env, exports, name, f);
}

double *bs_frame_of_env(napi_env env) {
  void *data;
  if (napi_get_instance_data(env, &data) != napi_ok || data == NULL) {
    napi_throw_error(env, NULL, "native: no call frame in this environment");
    return NULL;
  }
  return bs_frame_slots(env, data);
}

double *bs_frame_slots(napi_env env, void *data) {
  bs_frame *f = data;
  if (f->external) return f->mem.slots;
  napi_value ab;
  void *p;
  size_t cap;
  if (napi_get_reference_value(env, f->keep, &ab) != napi_ok || ab == NULL ||
      napi_get_arraybuffer_info(env, ab, &p, &cap) != napi_ok || cap < sizeof f->mem) {
    napi_throw_range_error(env, NULL, "native: call_frame was detached");
    return NULL;
  }
  return p;
}

bool bs_frame_window(napi_env env, napi_value buf, const double *slots, char **p, size_t *n) {
  void *data;
  size_t cap;
  if (!bs_get_bytes(env, buf, &data, &cap)) return false;
  double o = slots[BS_FRAME_OFFSET], l = slots[BS_FRAME_LENGTH];
  /* NaN fails every comparison, so it is refused with the negatives. */
  if (!(o >= 0 && l >= 0 && o <= (double)cap && l <= (double)cap - o)) {
    napi_throw_range_error(env, NULL, "native: window exceeds the buffer");
    return false;
  }
  /* An empty buffer may have no memory (NULL), and NULL + 0 is undefined. */
  *p = o > 0 ? (char *)data + (size_t)o : data;
  *n = (size_t)l;
  return true;
}

bool bs_frame_small(napi_env env, double *slots, char **p, size_t *n) {
  double l = slots[BS_FRAME_LENGTH];
  if (!(l >= 0 && l <= BS_FRAME_BYTES)) {
    napi_throw_range_error(env, NULL, "native: window exceeds the frame's bytes");
    return false;
  }
  /* The bytes follow the slots in the same memory (frame_memory), whichever
   * ArrayBuffer holds it. */
  *p = (char *)(slots + BS_FRAME_SLOTS);
  *n = (size_t)l;
  return true;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  bs_register_calls(env, exports);
  bs_register_addresses(env, exports);
  bs_register_families(env, exports);
  bs_register_messages(env, exports);
  bs_register_polling(env, exports);
  bs_register_reactor(env, exports);
  bs_register_resolver(env, exports);
  bs_register_netinfo(env, exports);
  bs_register_select(env, exports);
  bs_register_constants(env, exports);
  return exports;
}
