/* poll(2) on one descriptor: the wait of the synchronous deadline loop. */
#include "bs.h"

#include <errno.h>
#include <poll.h>

/* poll(fd, events, timeout_ms) -> revents (0 on timeout) | -errno.
 * timeout_ms < 0 waits without limit.  EINTR is returned, not retried, so
 * that the caller recomputes the time left against its deadline. */
static napi_value js_poll(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  int fd;
  int32_t events;
  int64_t timeout;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[1], &events) ||
      !bs_get_i64(env, argv[2], &timeout))
    return NULL;
  /* A C int of milliseconds: larger values would wrap to "forever". */
  if (timeout > INT32_MAX) BS_THROW_RANGE(env, "native: poll timeout out of range");
  struct pollfd p = {.fd = fd, .events = (short)events, .revents = 0};
  int r = poll(&p, 1, timeout < 0 ? -1 : timeout);
  if (r < 0) return bs_int(env, -errno);
  return bs_int(env, r == 0 ? 0 : p.revents);
}

void bs_register_polling(napi_env env, napi_value exports) {
  bs_export(env, exports, "poll", js_poll);
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "POLLIN", bs_int(env, POLLIN));
  napi_set_named_property(env, o, "POLLOUT", bs_int(env, POLLOUT));
  napi_set_named_property(env, o, "POLLERR", bs_int(env, POLLERR));
  napi_set_named_property(env, o, "POLLHUP", bs_int(env, POLLHUP));
  napi_set_named_property(env, o, "POLLNVAL", bs_int(env, POLLNVAL));
  napi_set_named_property(env, exports, "pollEvents", o);
}
