/* One function per socket system call.  Each returns its result (>= 0) or a
 * negative errno, read immediately after the call.  Nothing here retries
 * EINTR or waits: the TypeScript deadline loop owns that. */
#include "bs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The result, or -errno read right after the call (a function, so the call is
 * evaluated exactly once). */
static inline napi_value ret(napi_env env, int64_t r) {
  return bs_int(env, r < 0 ? -errno : r);
}
#define RET(r) ret(env, (r))

/* Creates the descriptor close-on-exec, atomically where SOCK_CLOEXEC exists
 * and with fcntl afterwards where the kernel refuses the flag (EINVAL). */
static int cloexec_fallback(int fd) {
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* An address length from the kernel, as stored in a scratch: the kernel
 * reports the address's full length even when it wrote only part of it, and
 * the scratch never claims more than its sockaddr_storage holds. */
static uint32_t scratch_len(socklen_t len) {
  return len < sizeof(struct sockaddr_storage) ? (uint32_t)len : (uint32_t)sizeof(struct sockaddr_storage);
}

/* socket(family, type, proto) -> fd | -errno */
static napi_value js_socket(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  int32_t family, type, proto;
  if (!bs_get_i32(env, argv[0], &family) || !bs_get_i32(env, argv[1], &type) ||
      !bs_get_i32(env, argv[2], &proto))
    return NULL;
  int fd;
#ifdef SOCK_CLOEXEC
  fd = socket(family, type | SOCK_CLOEXEC, proto);
  if (fd >= 0 || errno != EINVAL) return RET(fd);
#endif
  fd = socket(family, type, proto);
  if (fd >= 0) fd = cloexec_fallback(fd);
  return RET(fd);
}

/* socketpair(family, type, proto, out Int32Array[2]) -> 0 | -errno */
static napi_value js_socketpair(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 4);
  int32_t family, type, proto;
  void *out;
  size_t outlen;
  if (!bs_get_i32(env, argv[0], &family) || !bs_get_i32(env, argv[1], &type) ||
      !bs_get_i32(env, argv[2], &proto) || !bs_get_bytes(env, argv[3], &out, &outlen))
    return NULL;
  if (outlen < 2 * sizeof(int)) BS_THROW_RANGE(env, "native: socketpair output too small");
  int sv[2];
  int r;
#ifdef SOCK_CLOEXEC
  r = socketpair(family, type | SOCK_CLOEXEC, proto, sv);
  if (r < 0 && errno == EINVAL) r = socketpair(family, type, proto, sv);
  else if (r == 0) goto done;
#else
  r = socketpair(family, type, proto, sv);
#endif
  if (r < 0) return RET(r);
  /* cloexec_fallback closes its own descriptor on failure: close only the
   * other one (never twice: the number may already belong to another thread). */
  if (cloexec_fallback(sv[0]) < 0) {
    int e = errno;
    close(sv[1]);
    return bs_int(env, -e);
  }
  if (cloexec_fallback(sv[1]) < 0) {
    int e = errno;
    close(sv[0]);
    return bs_int(env, -e);
  }
#ifdef SOCK_CLOEXEC
done:
#endif
  memcpy(out, sv, sizeof sv);
  return bs_int(env, 0);
}

/* close(fd) -> 0 | -errno.  Never retried: after EINTR the fd is gone. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t fd;
  if (!bs_get_i32(env, argv[0], &fd)) return NULL;
  int r = close(fd);
  if (r < 0 && errno == EINTR) r = 0;
  return RET(r);
}

/* dup(fd) -> new close-on-exec fd | -errno */
static napi_value js_dup(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t fd;
  if (!bs_get_i32(env, argv[0], &fd)) return NULL;
  return RET(fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

/* bind(fd, sockaddr, len) / connect(fd, sockaddr, len) -> 0 | -errno */
static napi_value js_bind(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  int fd;
  struct sockaddr *sa;
  socklen_t len;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_sockaddr(env, argv[1], argv[2], &sa, &len))
    return NULL;
  return RET(bind(fd, sa, len));
}

static napi_value js_connect(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  int fd;
  struct sockaddr *sa;
  socklen_t len;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_sockaddr(env, argv[1], argv[2], &sa, &len))
    return NULL;
  return RET(connect(fd, sa, len));
}

/* listen(fd, backlog) -> 0 | -errno */
static napi_value js_listen(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int fd;
  int32_t backlog;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[1], &backlog)) return NULL;
  return RET(listen(fd, backlog));
}

/* accept(fd, scratch) -> new close-on-exec fd | -errno; peer address in scratch */
static napi_value js_accept(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int fd;
  struct sockaddr *sa;
  uint32_t *lenp;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_scratch(env, argv[1], &sa, &lenp)) return NULL;
  socklen_t len = sizeof(struct sockaddr_storage);
  int r;
#if defined(SOCK_CLOEXEC) && (defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__))
  r = accept4(fd, sa, &len, SOCK_CLOEXEC);
#else
  r = accept(fd, sa, &len);
  if (r >= 0) r = cloexec_fallback(r);
#endif
  if (r < 0) return bs_int(env, -errno);
  *lenp = scratch_len(len);
  return bs_int(env, r);
}

static napi_value name_call(napi_env env, napi_callback_info info, bool peer) {
  BS_ARGS(env, info, 2);
  int fd;
  struct sockaddr *sa;
  uint32_t *lenp;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_scratch(env, argv[1], &sa, &lenp)) return NULL;
  socklen_t len = sizeof(struct sockaddr_storage);
  memset(sa, 0, sizeof(struct sockaddr_storage));
  int r = peer ? getpeername(fd, sa, &len) : getsockname(fd, sa, &len);
  if (r < 0) return bs_int(env, -errno);
  *lenp = scratch_len(len);
  return bs_int(env, 0);
}

/* getsockname(fd, scratch) / getpeername(fd, scratch) -> 0 | -errno */
static napi_value js_getsockname(napi_env env, napi_callback_info info) {
  return name_call(env, info, false);
}
static napi_value js_getpeername(napi_env env, napi_callback_info info) {
  return name_call(env, info, true);
}

/* The framed calls below take their buffers as arguments and their numbers
 * from the call frame (bs.h): FD, OFFSET, LENGTH, FLAGS (and SALEN), and
 * leave the result or -errno in RESULT. */
#define FRAMED_ARGS(n)                                                        \
  napi_value argv[n];                                                         \
  size_t argc = (n);                                                          \
  void *data;                                                                 \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok) return NULL; \
  if (argc < (n)) BS_THROW_TYPE(env, "native: missing argument");             \
  double *f = bs_frame_slots(env, data);                                      \
  if (f == NULL) return NULL

/* recv(buf) with FD, OFFSET, LENGTH (nbytes), FLAGS -> RESULT n | -errno */
static napi_value js_recv(napi_env env, napi_callback_info info) {
  FRAMED_ARGS(1);
  int fd;
  char *p;
  size_t n;
  int32_t flags;
  if (!bs_to_fd(env, f[BS_FRAME_FD], &fd) || !bs_frame_window(env, argv[0], f, &p, &n) ||
      !bs_to_i32(env, f[BS_FRAME_FLAGS], &flags))
    return NULL;
  ssize_t r = recv(fd, p, n, flags);
  f[BS_FRAME_RESULT] = r < 0 ? -errno : (double)r;
  return NULL;
}

/* recvfrom(buf, scratch) with FD, OFFSET, LENGTH, FLAGS -> RESULT n | -errno */
static napi_value js_recvfrom(napi_env env, napi_callback_info info) {
  FRAMED_ARGS(2);
  int fd;
  char *p;
  size_t n;
  int32_t flags;
  struct sockaddr *sa;
  uint32_t *lenp;
  if (!bs_to_fd(env, f[BS_FRAME_FD], &fd) || !bs_frame_window(env, argv[0], f, &p, &n) ||
      !bs_to_i32(env, f[BS_FRAME_FLAGS], &flags) || !bs_get_scratch(env, argv[1], &sa, &lenp))
    return NULL;
  socklen_t len = sizeof(struct sockaddr_storage);
  ssize_t r = recvfrom(fd, p, n, flags, sa, &len);
  if (r < 0) {
    f[BS_FRAME_RESULT] = -errno;
    return NULL;
  }
  *lenp = scratch_len(len);
  f[BS_FRAME_RESULT] = (double)r;
  return NULL;
}

/* send(buf) with FD, OFFSET, LENGTH, FLAGS -> RESULT n | -errno */
static napi_value js_send(napi_env env, napi_callback_info info) {
  FRAMED_ARGS(1);
  int fd;
  char *p;
  size_t n;
  int32_t flags;
  if (!bs_to_fd(env, f[BS_FRAME_FD], &fd) || !bs_frame_window(env, argv[0], f, &p, &n) ||
      !bs_to_i32(env, f[BS_FRAME_FLAGS], &flags))
    return NULL;
  ssize_t r = send(fd, p, n, flags);
  f[BS_FRAME_RESULT] = r < 0 ? -errno : (double)r;
  return NULL;
}

/* The same two calls for short payloads, through the frame's own bytes: no
 * arguments at all (bs.h, BS_FRAME_BYTES). FD, LENGTH (<= BS_FRAME_BYTES),
 * FLAGS -> RESULT n | -errno; the data is in (send) or lands in (recv) the
 * frame's bytes. */
static napi_value small_call(napi_env env, bool sending) {
  double *f = bs_frame_of_env(env);
  if (f == NULL) return NULL;
  int fd;
  char *p;
  size_t n;
  int32_t flags;
  if (!bs_to_fd(env, f[BS_FRAME_FD], &fd) || !bs_frame_small(env, f, &p, &n) ||
      !bs_to_i32(env, f[BS_FRAME_FLAGS], &flags))
    return NULL;
  ssize_t r = sending ? send(fd, p, n, flags) : recv(fd, p, n, flags);
  f[BS_FRAME_RESULT] = r < 0 ? -errno : (double)r;
  return NULL;
}

static napi_value js_recv_small(napi_env env, napi_callback_info info) {
  (void)info;
  return small_call(env, false);
}

static napi_value js_send_small(napi_env env, napi_callback_info info) {
  (void)info;
  return small_call(env, true);
}

/* sendto(buf, sa) with FD, OFFSET, LENGTH, FLAGS, SALEN -> RESULT n | -errno */
static napi_value js_sendto(napi_env env, napi_callback_info info) {
  FRAMED_ARGS(2);
  int fd;
  char *p;
  size_t n;
  int32_t flags;
  struct sockaddr *sa;
  socklen_t salen;
  if (!bs_to_fd(env, f[BS_FRAME_FD], &fd) || !bs_frame_window(env, argv[0], f, &p, &n) ||
      !bs_to_i32(env, f[BS_FRAME_FLAGS], &flags) ||
      !bs_to_sockaddr(env, argv[1], f[BS_FRAME_SALEN], &sa, &salen))
    return NULL;
  ssize_t r = sendto(fd, p, n, flags, sa, salen);
  f[BS_FRAME_RESULT] = r < 0 ? -errno : (double)r;
  return NULL;
}

/* shutdown(fd, how) -> 0 | -errno */
static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int fd;
  int32_t how;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[1], &how)) return NULL;
  return RET(shutdown(fd, how));
}

/* getsockopt(fd, level, name, buf[, reported]) -> optlen | -errno (value
 * written to buf).  optlen never exceeds buf's length: some options
 * (NETLINK_LIST_MEMBERSHIPS) write at most the length given but report the
 * length they need.  That reported length goes to reported[0] (a Uint32Array,
 * when given), so the caller can see the truncation. */
static napi_value js_getsockopt(napi_env env, napi_callback_info info) {
  /* BS_ARGS requires all 5; `reported` is optional (undefined when not passed). */
  napi_value argv[5];
  size_t argc = 5;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 4) BS_THROW_TYPE(env, "native: missing argument");
  int fd;
  int32_t level, name;
  void *buf, *reported;
  size_t cap, reported_cap;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[1], &level) ||
      !bs_get_i32(env, argv[2], &name) || !bs_get_bytes(env, argv[3], &buf, &cap) ||
      !bs_get_bytes_or_null(env, argv[4], &reported, &reported_cap))
    return NULL;
  if (reported != NULL && (reported_cap < sizeof(uint32_t) || (uintptr_t)reported % sizeof(uint32_t) != 0))
    BS_THROW_RANGE(env, "native: getsockopt length output too small or misaligned");
  if (cap > INT32_MAX) BS_THROW_RANGE(env, "native: getsockopt buffer too large");
  socklen_t len = (socklen_t)cap;
  int r = getsockopt(fd, level, name, cap ? buf : NULL, &len);
  if (r < 0) return bs_int(env, -errno);
  if (reported != NULL) *(uint32_t *)reported = (uint32_t)len;
  return bs_int(env, len < cap ? len : (socklen_t)cap);
}

/* setsockopt(fd, level, name, buf|null, optlen) -> 0 | -errno.  A null buffer
 * passes NULL with optlen (the documents' setsockopt(level, opt, None, len)). */
static napi_value js_setsockopt(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 5);
  int fd;
  int32_t level, name;
  void *buf;
  size_t cap;
  uint32_t optlen;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[1], &level) ||
      !bs_get_i32(env, argv[2], &name) || !bs_get_bytes_or_null(env, argv[3], &buf, &cap) ||
      !bs_get_u32(env, argv[4], &optlen))
    return NULL;
  if (buf != NULL && optlen > cap) BS_THROW_RANGE(env, "native: optlen exceeds the buffer");
  return RET(setsockopt(fd, level, name, buf, optlen));
}

/* get_nonblocking(fd) -> 0 | 1 | -errno;  set_nonblocking(fd, bool) -> 0 | -errno */
static napi_value js_get_nonblocking(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t fd;
  if (!bs_get_i32(env, argv[0], &fd)) return NULL;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return bs_int(env, -errno);
  return bs_int(env, (fl & O_NONBLOCK) ? 1 : 0);
}

static napi_value js_set_nonblocking(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int32_t fd;
  bool on;
  if (!bs_get_i32(env, argv[0], &fd) || !bs_get_bool(env, argv[1], &on))
    return NULL;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return bs_int(env, -errno);
  int nfl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  if (nfl != fl && fcntl(fd, F_SETFL, nfl) < 0) return bs_int(env, -errno);
  return bs_int(env, 0);
}

/* get_inheritable(fd) -> 0 | 1 | -errno;  set_inheritable(fd, bool) -> 0 | -errno */
static napi_value js_get_inheritable(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t fd;
  if (!bs_get_i32(env, argv[0], &fd)) return NULL;
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0) return bs_int(env, -errno);
  return bs_int(env, (fl & FD_CLOEXEC) ? 0 : 1);
}

static napi_value js_set_inheritable(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 2);
  int32_t fd;
  bool on;
  if (!bs_get_i32(env, argv[0], &fd) || !bs_get_bool(env, argv[1], &on))
    return NULL;
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0) return bs_int(env, -errno);
  int nfl = on ? (fl & ~FD_CLOEXEC) : (fl | FD_CLOEXEC);
  if (nfl != fl && fcntl(fd, F_SETFD, nfl) < 0) return bs_int(env, -errno);
  return bs_int(env, 0);
}

/* strerror(errno) -> the C library's message */
static napi_value js_strerror(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t e;
  if (!bs_get_i32(env, argv[0], &e)) return NULL;
  char buf[256];
  buf[0] = '\0';
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
  const char *s = strerror_r(e, buf, sizeof buf);
#else
  const char *s = strerror_r(e, buf, sizeof buf) == 0 ? buf : "Unknown error";
#endif
  return bs_str(env, s);
}

/* The errno names of the C headers, for error codes and CPython's errno ->
 * OSError subclass table (Node's os.constants.errno lacks many Linux ones,
 * ESHUTDOWN among them).  Where two names share a value, the first listed is
 * the one Python's errno.errorcode shows (EAGAIN, EDEADLOCK, ENOTSUP). */
static const struct {
  const char *name;
  int value;
} errno_table[] = {
#ifdef EPERM
    {"EPERM", EPERM},
#endif
#ifdef ENOENT
    {"ENOENT", ENOENT},
#endif
#ifdef ESRCH
    {"ESRCH", ESRCH},
#endif
#ifdef EINTR
    {"EINTR", EINTR},
#endif
#ifdef EIO
    {"EIO", EIO},
#endif
#ifdef ENXIO
    {"ENXIO", ENXIO},
#endif
#ifdef E2BIG
    {"E2BIG", E2BIG},
#endif
#ifdef ENOEXEC
    {"ENOEXEC", ENOEXEC},
#endif
#ifdef EBADF
    {"EBADF", EBADF},
#endif
#ifdef ECHILD
    {"ECHILD", ECHILD},
#endif
#ifdef EAGAIN
    {"EAGAIN", EAGAIN},
#endif
#ifdef ENOMEM
    {"ENOMEM", ENOMEM},
#endif
#ifdef EACCES
    {"EACCES", EACCES},
#endif
#ifdef EFAULT
    {"EFAULT", EFAULT},
#endif
#ifdef ENOTBLK
    {"ENOTBLK", ENOTBLK},
#endif
#ifdef EBUSY
    {"EBUSY", EBUSY},
#endif
#ifdef EEXIST
    {"EEXIST", EEXIST},
#endif
#ifdef EXDEV
    {"EXDEV", EXDEV},
#endif
#ifdef ENODEV
    {"ENODEV", ENODEV},
#endif
#ifdef ENOTDIR
    {"ENOTDIR", ENOTDIR},
#endif
#ifdef EISDIR
    {"EISDIR", EISDIR},
#endif
#ifdef EINVAL
    {"EINVAL", EINVAL},
#endif
#ifdef ENFILE
    {"ENFILE", ENFILE},
#endif
#ifdef EMFILE
    {"EMFILE", EMFILE},
#endif
#ifdef ENOTTY
    {"ENOTTY", ENOTTY},
#endif
#ifdef ETXTBSY
    {"ETXTBSY", ETXTBSY},
#endif
#ifdef EFBIG
    {"EFBIG", EFBIG},
#endif
#ifdef ENOSPC
    {"ENOSPC", ENOSPC},
#endif
#ifdef ESPIPE
    {"ESPIPE", ESPIPE},
#endif
#ifdef EROFS
    {"EROFS", EROFS},
#endif
#ifdef EMLINK
    {"EMLINK", EMLINK},
#endif
#ifdef EPIPE
    {"EPIPE", EPIPE},
#endif
#ifdef EDOM
    {"EDOM", EDOM},
#endif
#ifdef ERANGE
    {"ERANGE", ERANGE},
#endif
#ifdef EDEADLOCK
    {"EDEADLOCK", EDEADLOCK},
#endif
#ifdef ENAMETOOLONG
    {"ENAMETOOLONG", ENAMETOOLONG},
#endif
#ifdef ENOLCK
    {"ENOLCK", ENOLCK},
#endif
#ifdef ENOSYS
    {"ENOSYS", ENOSYS},
#endif
#ifdef ENOTEMPTY
    {"ENOTEMPTY", ENOTEMPTY},
#endif
#ifdef ELOOP
    {"ELOOP", ELOOP},
#endif
#ifdef ENOMSG
    {"ENOMSG", ENOMSG},
#endif
#ifdef EIDRM
    {"EIDRM", EIDRM},
#endif
#ifdef ECHRNG
    {"ECHRNG", ECHRNG},
#endif
#ifdef EL2NSYNC
    {"EL2NSYNC", EL2NSYNC},
#endif
#ifdef EL3HLT
    {"EL3HLT", EL3HLT},
#endif
#ifdef EL3RST
    {"EL3RST", EL3RST},
#endif
#ifdef ELNRNG
    {"ELNRNG", ELNRNG},
#endif
#ifdef EUNATCH
    {"EUNATCH", EUNATCH},
#endif
#ifdef ENOCSI
    {"ENOCSI", ENOCSI},
#endif
#ifdef EL2HLT
    {"EL2HLT", EL2HLT},
#endif
#ifdef EBADE
    {"EBADE", EBADE},
#endif
#ifdef EBADR
    {"EBADR", EBADR},
#endif
#ifdef EXFULL
    {"EXFULL", EXFULL},
#endif
#ifdef ENOANO
    {"ENOANO", ENOANO},
#endif
#ifdef EBADRQC
    {"EBADRQC", EBADRQC},
#endif
#ifdef EBADSLT
    {"EBADSLT", EBADSLT},
#endif
#ifdef EBFONT
    {"EBFONT", EBFONT},
#endif
#ifdef ENOSTR
    {"ENOSTR", ENOSTR},
#endif
#ifdef ENODATA
    {"ENODATA", ENODATA},
#endif
#ifdef ETIME
    {"ETIME", ETIME},
#endif
#ifdef ENOSR
    {"ENOSR", ENOSR},
#endif
#ifdef ENONET
    {"ENONET", ENONET},
#endif
#ifdef ENOPKG
    {"ENOPKG", ENOPKG},
#endif
#ifdef EREMOTE
    {"EREMOTE", EREMOTE},
#endif
#ifdef ENOLINK
    {"ENOLINK", ENOLINK},
#endif
#ifdef EADV
    {"EADV", EADV},
#endif
#ifdef ESRMNT
    {"ESRMNT", ESRMNT},
#endif
#ifdef ECOMM
    {"ECOMM", ECOMM},
#endif
#ifdef EPROTO
    {"EPROTO", EPROTO},
#endif
#ifdef EMULTIHOP
    {"EMULTIHOP", EMULTIHOP},
#endif
#ifdef EDOTDOT
    {"EDOTDOT", EDOTDOT},
#endif
#ifdef EBADMSG
    {"EBADMSG", EBADMSG},
#endif
#ifdef EOVERFLOW
    {"EOVERFLOW", EOVERFLOW},
#endif
#ifdef ENOTUNIQ
    {"ENOTUNIQ", ENOTUNIQ},
#endif
#ifdef EBADFD
    {"EBADFD", EBADFD},
#endif
#ifdef EREMCHG
    {"EREMCHG", EREMCHG},
#endif
#ifdef ELIBACC
    {"ELIBACC", ELIBACC},
#endif
#ifdef ELIBBAD
    {"ELIBBAD", ELIBBAD},
#endif
#ifdef ELIBSCN
    {"ELIBSCN", ELIBSCN},
#endif
#ifdef ELIBMAX
    {"ELIBMAX", ELIBMAX},
#endif
#ifdef ELIBEXEC
    {"ELIBEXEC", ELIBEXEC},
#endif
#ifdef EILSEQ
    {"EILSEQ", EILSEQ},
#endif
#ifdef ERESTART
    {"ERESTART", ERESTART},
#endif
#ifdef ESTRPIPE
    {"ESTRPIPE", ESTRPIPE},
#endif
#ifdef EUSERS
    {"EUSERS", EUSERS},
#endif
#ifdef ENOTSOCK
    {"ENOTSOCK", ENOTSOCK},
#endif
#ifdef EDESTADDRREQ
    {"EDESTADDRREQ", EDESTADDRREQ},
#endif
#ifdef EMSGSIZE
    {"EMSGSIZE", EMSGSIZE},
#endif
#ifdef EPROTOTYPE
    {"EPROTOTYPE", EPROTOTYPE},
#endif
#ifdef ENOPROTOOPT
    {"ENOPROTOOPT", ENOPROTOOPT},
#endif
#ifdef EPROTONOSUPPORT
    {"EPROTONOSUPPORT", EPROTONOSUPPORT},
#endif
#ifdef ESOCKTNOSUPPORT
    {"ESOCKTNOSUPPORT", ESOCKTNOSUPPORT},
#endif
#ifdef ENOTSUP
    {"ENOTSUP", ENOTSUP},
#endif
#ifdef EPFNOSUPPORT
    {"EPFNOSUPPORT", EPFNOSUPPORT},
#endif
#ifdef EAFNOSUPPORT
    {"EAFNOSUPPORT", EAFNOSUPPORT},
#endif
#ifdef EADDRINUSE
    {"EADDRINUSE", EADDRINUSE},
#endif
#ifdef EADDRNOTAVAIL
    {"EADDRNOTAVAIL", EADDRNOTAVAIL},
#endif
#ifdef ENETDOWN
    {"ENETDOWN", ENETDOWN},
#endif
#ifdef ENETUNREACH
    {"ENETUNREACH", ENETUNREACH},
#endif
#ifdef ENETRESET
    {"ENETRESET", ENETRESET},
#endif
#ifdef ECONNABORTED
    {"ECONNABORTED", ECONNABORTED},
#endif
#ifdef ECONNRESET
    {"ECONNRESET", ECONNRESET},
#endif
#ifdef ENOBUFS
    {"ENOBUFS", ENOBUFS},
#endif
#ifdef EISCONN
    {"EISCONN", EISCONN},
#endif
#ifdef ENOTCONN
    {"ENOTCONN", ENOTCONN},
#endif
#ifdef ESHUTDOWN
    {"ESHUTDOWN", ESHUTDOWN},
#endif
#ifdef ETOOMANYREFS
    {"ETOOMANYREFS", ETOOMANYREFS},
#endif
#ifdef ETIMEDOUT
    {"ETIMEDOUT", ETIMEDOUT},
#endif
#ifdef ECONNREFUSED
    {"ECONNREFUSED", ECONNREFUSED},
#endif
#ifdef EHOSTDOWN
    {"EHOSTDOWN", EHOSTDOWN},
#endif
#ifdef EHOSTUNREACH
    {"EHOSTUNREACH", EHOSTUNREACH},
#endif
#ifdef EALREADY
    {"EALREADY", EALREADY},
#endif
#ifdef EINPROGRESS
    {"EINPROGRESS", EINPROGRESS},
#endif
#ifdef ESTALE
    {"ESTALE", ESTALE},
#endif
#ifdef EUCLEAN
    {"EUCLEAN", EUCLEAN},
#endif
#ifdef ENOTNAM
    {"ENOTNAM", ENOTNAM},
#endif
#ifdef ENAVAIL
    {"ENAVAIL", ENAVAIL},
#endif
#ifdef EISNAM
    {"EISNAM", EISNAM},
#endif
#ifdef EREMOTEIO
    {"EREMOTEIO", EREMOTEIO},
#endif
#ifdef EDQUOT
    {"EDQUOT", EDQUOT},
#endif
#ifdef ENOMEDIUM
    {"ENOMEDIUM", ENOMEDIUM},
#endif
#ifdef EMEDIUMTYPE
    {"EMEDIUMTYPE", EMEDIUMTYPE},
#endif
#ifdef ECANCELED
    {"ECANCELED", ECANCELED},
#endif
#ifdef ENOKEY
    {"ENOKEY", ENOKEY},
#endif
#ifdef EKEYEXPIRED
    {"EKEYEXPIRED", EKEYEXPIRED},
#endif
#ifdef EKEYREVOKED
    {"EKEYREVOKED", EKEYREVOKED},
#endif
#ifdef EKEYREJECTED
    {"EKEYREJECTED", EKEYREJECTED},
#endif
#ifdef EOWNERDEAD
    {"EOWNERDEAD", EOWNERDEAD},
#endif
#ifdef ENOTRECOVERABLE
    {"ENOTRECOVERABLE", ENOTRECOVERABLE},
#endif
#ifdef ERFKILL
    {"ERFKILL", ERFKILL},
#endif
#ifdef EDEADLK
    {"EDEADLK", EDEADLK},
#endif
#ifdef EOPNOTSUPP
    {"EOPNOTSUPP", EOPNOTSUPP},
#endif
#ifdef EWOULDBLOCK
    {"EWOULDBLOCK", EWOULDBLOCK},
#endif
};

static void export_errno_codes(napi_env env, napi_value exports) {
  napi_value o;
  if (napi_create_object(env, &o) != napi_ok) return;
  for (size_t i = 0; i < sizeof errno_table / sizeof errno_table[0]; i++)
    napi_set_named_property(env, o, errno_table[i].name, bs_int(env, errno_table[i].value));
  napi_set_named_property(env, exports, "errno_codes", o);
}

void bs_register_calls(napi_env env, napi_value exports) {
  bs_export(env, exports, "socket", js_socket);
  bs_export(env, exports, "socketpair", js_socketpair);
  bs_export(env, exports, "close", js_close);
  bs_export(env, exports, "dup", js_dup);
  bs_export(env, exports, "bind", js_bind);
  bs_export(env, exports, "connect", js_connect);
  bs_export(env, exports, "listen", js_listen);
  bs_export(env, exports, "accept", js_accept);
  bs_export(env, exports, "getsockname", js_getsockname);
  bs_export(env, exports, "getpeername", js_getpeername);
  bs_frame *frame = bs_frame_create(env, exports);
  bs_export_framed(env, exports, "recv", js_recv, frame);
  bs_export_framed(env, exports, "recvfrom", js_recvfrom, frame);
  bs_export_framed(env, exports, "send", js_send, frame);
  /* Framed for the guard (no frame, no export); they read it from instance data. */
  bs_export_framed(env, exports, "recv_small", js_recv_small, frame);
  bs_export_framed(env, exports, "send_small", js_send_small, frame);
  bs_export_framed(env, exports, "sendto", js_sendto, frame);
  bs_export(env, exports, "shutdown", js_shutdown);
  bs_export(env, exports, "getsockopt", js_getsockopt);
  bs_export(env, exports, "setsockopt", js_setsockopt);
  bs_export(env, exports, "get_nonblocking", js_get_nonblocking);
  bs_export(env, exports, "set_nonblocking", js_set_nonblocking);
  bs_export(env, exports, "get_inheritable", js_get_inheritable);
  bs_export(env, exports, "set_inheritable", js_set_inheritable);
  bs_export(env, exports, "strerror", js_strerror);
  export_errno_codes(env, exports);
}
