/* Multiplexing: select(2), poll(2) over many descriptors, epoll(7) and, where
 * the headers have it, kqueue(2) — the system calls behind bsd-socket/select
 * and bsd-socket/selectors (src/select.ts, src/selectors.ts).
 *
 * Contract (native/README.md): descriptors are numbers, results are `>= 0` or
 * `-errno`, EINTR is returned (the TypeScript deadline loop retries with the
 * time left, PEP 475).  Arrays from JS are checked against their byte length
 * before the kernel sees them; a count from the kernel is checked against the
 * array it is copied into.  Nothing here keeps state: an epoll or kqueue
 * object is its descriptor, owned by TypeScript.
 *
 *   select_wait(r, w, x, sec, usec)  r, w, x: Int32Array of descriptors, each
 *       in [0, FD_SETSIZE) (RangeError otherwise; TS checks first).  sec < 0
 *       waits without limit.  Entries not ready are overwritten with -1.
 *       -> ready count | -errno
 *   poll_wait(pollfds, n, ms)  pollfds: the bytes of n `struct pollfd` (TS
 *       lays them out by select_limits' offsets).  ms < 0 waits without limit.
 *       -> ready count | -errno; revents written in place
 *   epoll_open(flags) -> fd | -errno (always close-on-exec)
 *   epoll_control(epfd, op, fd, events) -> 0 | -errno (events: a C unsigned)
 *   epoll_wait_into(epfd, out Uint32Array, maxevents, ms)  out gets
 *       (fd, events) pairs; maxevents pairs must fit.  -> count | -errno
 *   kqueue_open() / kevent_call(kq, changes Float64Array, nchanges,
 *       out Float64Array, nevents, sec, nsec)  (only where <sys/event.h>
 *       exists) six doubles per kevent: ident, filter, flags, fflags, data,
 *       udata.  sec < 0 waits without limit.  -> count | -errno
 *   select_limits {FD_SETSIZE, POLLFD_SIZE, POLLFD_EVENTS, POLLFD_REVENTS,
 *       HAVE_EPOLL, HAVE_KQUEUE}
 *   select_constants  POLL*, EPOLL*, KQ_*, PIPE_BUF (select_constants.gen.h) */
#include "bs.h"

/* BEGIN HEADERS (read by scripts/gen-constants.py) */
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <limits.h>
#include <poll.h>
#if defined(__has_include)
#if __has_include(<sys/epoll.h>)
#include <sys/epoll.h>
#endif
#if __has_include(<sys/event.h>)
#include <sys/event.h>
#endif
#endif
/* END HEADERS */

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(EPOLLIN) && defined(EPOLL_CTL_ADD)
#define BS_HAVE_EPOLL 1
#endif
#if defined(EVFILT_READ) && defined(EV_ADD)
#define BS_HAVE_KQUEUE 1
#endif

/* TS writes struct pollfd through typed-array views at these offsets. */
_Static_assert(offsetof(struct pollfd, fd) == 0, "pollfd.fd at 0");
_Static_assert(sizeof(short) == 2, "pollfd events are 16-bit");

/* An Int32Array's elements and count, or a TypeError. */
static bool get_int32s(napi_env env, napi_value v, int32_t **data, size_t *n) {
  bool is = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, n, (void **)data, NULL, NULL) != napi_ok ||
      type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "native: expected an Int32Array");
    return false;
  }
  return true;
}

/* A typed array of `want` type with at least `need` elements, or a throw. */
static bool get_typed(napi_env env, napi_value v, napi_typedarray_type want, size_t need,
                      void **data) {
  bool is = false;
  napi_typedarray_type type;
  size_t n;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, &n, data, NULL, NULL) != napi_ok || type != want) {
    napi_throw_type_error(env, NULL, "native: wrong typed array");
    return false;
  }
  if (n < need) {
    napi_throw_range_error(env, NULL, "native: array too small");
    return false;
  }
  return true;
}

/* A C int of milliseconds (negative: no limit), or a RangeError. */
static bool get_ms(napi_env env, napi_value v, int *ms) {
  int64_t t;
  if (!bs_get_i64(env, v, &t)) return false;
  if (t > INT32_MAX || t < INT32_MIN) {
    napi_throw_range_error(env, NULL, "native: timeout out of range");
    return false;
  }
  *ms = (int)t;
  return true;
}

static bool fill_set(napi_env env, const int32_t *fds, size_t n, fd_set *set, int *maxfd) {
  FD_ZERO(set);
  for (size_t i = 0; i < n; i++) {
    /* FD_SET past FD_SETSIZE writes outside the set. */
    if (fds[i] < 0 || fds[i] >= FD_SETSIZE) {
      napi_throw_range_error(env, NULL, "native: descriptor out of range for select");
      return false;
    }
    FD_SET(fds[i], set);
    if (fds[i] > *maxfd) *maxfd = fds[i];
  }
  return true;
}

static void keep_ready(int32_t *fds, size_t n, const fd_set *set) {
  for (size_t i = 0; i < n; i++)
    if (!FD_ISSET(fds[i], set)) fds[i] = -1;
}

static napi_value js_select_wait(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 5);
  int32_t *fds[3];
  size_t n[3];
  int64_t sec, usec;
  for (int i = 0; i < 3; i++)
    if (!get_int32s(env, argv[i], &fds[i], &n[i])) return NULL;
  if (!bs_get_i64(env, argv[3], &sec) || !bs_get_i64(env, argv[4], &usec)) return NULL;
  if (usec < 0 || usec >= 1000000) BS_THROW_RANGE(env, "native: microseconds out of range");
  fd_set sets[3];
  int maxfd = -1;
  for (int i = 0; i < 3; i++)
    if (!fill_set(env, fds[i], n[i], &sets[i], &maxfd)) return NULL;
  struct timeval tv = {.tv_sec = (time_t)sec, .tv_usec = (suseconds_t)usec};
  int r = select(maxfd + 1, &sets[0], &sets[1], &sets[2], sec < 0 ? NULL : &tv);
  if (r < 0) return bs_int(env, -errno);
  for (int i = 0; i < 3; i++) keep_ready(fds[i], n[i], &sets[i]);
  return bs_int(env, r);
}

static napi_value js_poll_wait(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  void *data;
  size_t cap;
  uint32_t n;
  int ms;
  if (!bs_get_bytes(env, argv[0], &data, &cap) || !bs_get_u32(env, argv[1], &n) ||
      !get_ms(env, argv[2], &ms))
    return NULL;
  if ((size_t)n > cap / sizeof(struct pollfd) || ((uintptr_t)data % _Alignof(struct pollfd)) != 0)
    BS_THROW_RANGE(env, "native: pollfd array too small or misaligned");
  int r = poll((struct pollfd *)data, (nfds_t)n, ms < 0 ? -1 : ms);
  return bs_int(env, r < 0 ? -errno : r);
}

#ifdef BS_HAVE_EPOLL
static napi_value js_epoll_open(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t flags;
  if (!bs_get_i32(env, argv[0], &flags)) return NULL;
  int fd = epoll_create1(flags | EPOLL_CLOEXEC);
  return bs_int(env, fd < 0 ? -errno : fd);
}

static napi_value js_epoll_control(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 4);
  int epfd, fd;
  int32_t op;
  uint32_t events;
  if (!bs_get_fd(env, argv[0], &epfd) || !bs_get_i32(env, argv[1], &op) ||
      !bs_get_fd(env, argv[2], &fd) || !bs_get_u32(env, argv[3], &events))
    return NULL;
  struct epoll_event ev = {.events = events};
  ev.data.u64 = 0;
  ev.data.fd = fd;
  /* EPOLL_CTL_DEL ignores the event, but kernels before 2.6.9 needed one. */
  int r = epoll_ctl(epfd, op, fd, &ev);
  return bs_int(env, r < 0 ? -errno : 0);
}

static napi_value js_epoll_wait_into(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 4);
  int epfd, ms;
  uint32_t maxevents;
  void *out;
  if (!bs_get_fd(env, argv[0], &epfd) || !bs_get_u32(env, argv[2], &maxevents) ||
      !get_ms(env, argv[3], &ms))
    return NULL;
  if (maxevents == 0 || maxevents > INT32_MAX / sizeof(struct epoll_event))
    BS_THROW_RANGE(env, "native: maxevents out of range");
  if (!get_typed(env, argv[1], napi_uint32_array, (size_t)maxevents * 2, &out)) return NULL;
  struct epoll_event stack[64];
  struct epoll_event *evs = stack;
  if (maxevents > 64) {
    evs = malloc(sizeof *evs * maxevents);
    if (evs == NULL) return bs_int(env, -ENOMEM);
  }
  int r = epoll_wait(epfd, evs, (int)maxevents, ms < 0 ? -1 : ms);
  int err = errno;
  uint32_t *pairs = out;
  /* The kernel never reports more than maxevents; checked all the same. */
  for (int i = 0; i < r && (uint32_t)i < maxevents; i++) {
    pairs[2 * i] = (uint32_t)evs[i].data.fd;
    pairs[2 * i + 1] = evs[i].events;
  }
  if (evs != stack) free(evs);
  return bs_int(env, r < 0 ? -err : r);
}
#endif /* BS_HAVE_EPOLL */

#ifdef BS_HAVE_KQUEUE
static napi_value js_kqueue_open(napi_env env, napi_callback_info info) {
  int fd = kqueue();
  if (fd < 0) return bs_int(env, -errno);
  /* kqueue descriptors are not inherited by fork's child, but exec is another
   * matter: close-on-exec as every descriptor of this addon. */
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) {
    int err = errno;
    close(fd);
    return bs_int(env, -err);
  }
  return bs_int(env, fd);
}

enum { KEVENT_FIELDS = 6 };

static napi_value js_kevent_call(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 7);
  int kq;
  uint32_t nchanges, nevents;
  int64_t sec, nsec;
  void *changes_p, *out_p;
  if (!bs_get_fd(env, argv[0], &kq) || !bs_get_u32(env, argv[2], &nchanges) ||
      !bs_get_u32(env, argv[4], &nevents) || !bs_get_i64(env, argv[5], &sec) ||
      !bs_get_i64(env, argv[6], &nsec))
    return NULL;
  if (nchanges > 65536 || nevents > 65536) BS_THROW_RANGE(env, "native: too many kevents");
  if (nsec < 0 || nsec >= 1000000000) BS_THROW_RANGE(env, "native: nanoseconds out of range");
  if (!get_typed(env, argv[1], napi_float64_array, (size_t)nchanges * KEVENT_FIELDS, &changes_p) ||
      !get_typed(env, argv[3], napi_float64_array, (size_t)nevents * KEVENT_FIELDS, &out_p))
    return NULL;
  const double *in = changes_p;
  double *out = out_p;
  size_t total = (size_t)nchanges + nevents;
  struct kevent *evs = calloc(total ? total : 1, sizeof *evs);
  if (evs == NULL) return bs_int(env, -ENOMEM);
  struct kevent *ch = evs, *res = evs + nchanges;
  for (uint32_t i = 0; i < nchanges; i++) {
    const double *f = in + (size_t)i * KEVENT_FIELDS;
    EV_SET(&ch[i], (uintptr_t)f[0], (short)f[1], (unsigned short)f[2], (unsigned int)f[3],
           (intptr_t)f[4], (void *)(uintptr_t)f[5]);
  }
  struct timespec ts = {.tv_sec = (time_t)sec, .tv_nsec = (long)nsec};
  int r = kevent(kq, ch, (int)nchanges, res, (int)nevents, sec < 0 ? NULL : &ts);
  int err = errno;
  for (int i = 0; i < r && (uint32_t)i < nevents; i++) {
    double *f = out + (size_t)i * KEVENT_FIELDS;
    f[0] = (double)res[i].ident;
    f[1] = (double)res[i].filter;
    f[2] = (double)res[i].flags;
    f[3] = (double)res[i].fflags;
    f[4] = (double)res[i].data;
    f[5] = (double)(uintptr_t)res[i].udata;
  }
  free(evs);
  return bs_int(env, r < 0 ? -err : r);
}
#endif /* BS_HAVE_KQUEUE */

static const struct {
  const char *name;
  int64_t value;
} select_table[] = {
#define BS_CONSTANT(name, value) {#name, (int64_t)(value)},
#include "select_constants.gen.h"
#undef BS_CONSTANT
};

static void set_int(napi_env env, napi_value o, const char *name, int64_t v) {
  napi_set_named_property(env, o, name, bs_int(env, v));
}

void bs_register_select(napi_env env, napi_value exports) {
  bs_export(env, exports, "select_wait", js_select_wait);
  bs_export(env, exports, "poll_wait", js_poll_wait);
#ifdef BS_HAVE_EPOLL
  bs_export(env, exports, "epoll_open", js_epoll_open);
  bs_export(env, exports, "epoll_control", js_epoll_control);
  bs_export(env, exports, "epoll_wait_into", js_epoll_wait_into);
#endif
#ifdef BS_HAVE_KQUEUE
  bs_export(env, exports, "kqueue_open", js_kqueue_open);
  bs_export(env, exports, "kevent_call", js_kevent_call);
#endif
  napi_value limits;
  if (napi_create_object(env, &limits) != napi_ok) return;
  set_int(env, limits, "FD_SETSIZE", FD_SETSIZE);
  set_int(env, limits, "POLLFD_SIZE", sizeof(struct pollfd));
  set_int(env, limits, "POLLFD_EVENTS", offsetof(struct pollfd, events));
  set_int(env, limits, "POLLFD_REVENTS", offsetof(struct pollfd, revents));
#ifdef BS_HAVE_EPOLL
  set_int(env, limits, "EPOLL_CTL_ADD", EPOLL_CTL_ADD);
  set_int(env, limits, "EPOLL_CTL_MOD", EPOLL_CTL_MOD);
  set_int(env, limits, "EPOLL_CTL_DEL", EPOLL_CTL_DEL);
#endif
  napi_set_named_property(env, exports, "select_limits", limits);
  napi_value k;
  if (napi_create_object(env, &k) != napi_ok) return;
  for (size_t i = 0; i < sizeof select_table / sizeof select_table[0]; i++)
    set_int(env, k, select_table[i].name, select_table[i].value);
  napi_set_named_property(env, exports, "select_constants", k);
}
