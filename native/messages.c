/* sendmsg/recvmsg with ancillary data, CMSG_* arithmetic, sendfile and the
 * Linux batches sendmmsg/recvmmsg.
 *
 * TypeScript validates every argument first (Python's messages); this file
 * re-checks each length and bound it is given.  Building control buffers,
 * walking the kernel's (bounds-checked, so a malformed or truncated one never
 * makes it read past its end) and recvmmsg's result step are plain C in
 * cmsg.c, shared with the fuzz harnesses.  Results are >= 0 or -errno, as
 * everywhere in the addon. */
#include "bs.h"
#include "cmsg.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/sendfile.h>
#endif

/* The most buffers a gather list may have before any allocation (UIO_MAXIOV
 * is 1024; the kernel answers EMSGSIZE above it). */
#define MAX_IOV_FETCH (1u << 20)

/* Stack room before falling back to malloc (iovecs, control bytes). */
#define STACK_IOV 16
#define STACK_CONTROL 512
/* Batches are cut to this many messages per call (Linux's UIO_MAXIOV). */
#define MAX_BATCH 1024

/* sendmmsg/recvmmsg exist where the headers give MSG_WAITFORONE (Linux,
 * FreeBSD: cmsg.h sets BS_HAVE_MMSG); elsewhere TypeScript loops over
 * sendmsg/recvmsg. */

/* ---- CMSG arithmetic, range-checked as CPython's get_CMSG_LEN/SPACE ------ */

/* The arithmetic, building and walking are plain C in cmsg.c. */

/* cmsg_len(n) / cmsg_space(n) -> value | -1 when out of range */
static napi_value js_cmsg_len(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int64_t n;
  size_t r;
  if (!bs_get_i64(env, argv[0], &n)) return NULL;
  return bs_int(env, bs_cmsg_len_of(n, &r) ? (int64_t)r : -1);
}

static napi_value js_cmsg_space(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int64_t n;
  size_t r;
  if (!bs_get_i64(env, argv[0], &n)) return NULL;
  return bs_int(env, bs_cmsg_space_of(n, &r) ? (int64_t)r : -1);
}

/* ---- shared pieces --------------------------------------------------------- */

/* Closes every descriptor of the SCM_RIGHTS items in a received control
 * buffer (used when the results cannot reach JavaScript). */
static void close_received_fds(struct msghdr *msg) {
#ifdef SCM_RIGHTS
  for (struct cmsghdr *c = bs_cmsg_first(msg); c != NULL; c = bs_cmsg_next(msg, c)) {
    size_t len;
    if (bs_cmsg_data_len(msg, c, &len) < 0) break;
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const unsigned char *p = CMSG_DATA(c);
    for (size_t i = 0; i + sizeof(int) <= len; i += sizeof(int)) {
      int fd;
      memcpy(&fd, p + i, sizeof fd);
      if (fd >= 0) close(fd);
    }
  }
#else
  (void)msg;
#endif
}

/* Reads a JS array of bytes-like values (or a single one, when `single` is
 * allowed) into iovecs.  *iov points to `stack` or to malloc'ed memory that
 * the caller frees when it differs from `stack`. */
static bool get_iovecs(napi_env env, napi_value v, struct iovec *stack, size_t stack_n,
                       struct iovec **iov, size_t *n) {
  bool is_array;
  *iov = stack;
  *n = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok) return false;
  if (!is_array) {
    void *p;
    size_t len;
    if (!bs_get_bytes(env, v, &p, &len)) return false;
    stack[0].iov_base = p;
    stack[0].iov_len = len;
    *n = 1;
    return true;
  }
  uint32_t count;
  if (napi_get_array_length(env, v, &count) != napi_ok) return false;
  /* A bound on the allocation only: the kernel refuses more than UIO_MAXIOV
   * (1024) buffers itself, with EMSGSIZE. */
  if (count > MAX_IOV_FETCH) {
    napi_throw_range_error(env, NULL, "native: too many buffers");
    return false;
  }
  if (count > stack_n) {
    *iov = malloc(sizeof(struct iovec) * count);
    if (*iov == NULL) {
      napi_throw_error(env, NULL, "native: out of memory");
      return false;
    }
  }
  /* Two passes: every element is fetched first (a getter may run JS), and
   * only then are pointers taken, so no JS can detach a buffer whose pointer
   * is already held. The napi_values stay valid in this handle scope. */
  napi_value stack_vals[16];
  napi_value *vals = count <= 16 ? stack_vals : malloc(sizeof(napi_value) * count);
  if (vals == NULL) {
    if (*iov != stack) free(*iov);
    *iov = stack;
    napi_throw_error(env, NULL, "native: out of memory");
    return false;
  }
  bool ok = true;
  for (uint32_t i = 0; ok && i < count; i++) {
    ok = napi_get_element(env, v, i, &vals[i]) == napi_ok;
    if (ok && !bs_is_bytes(env, vals[i])) {
      napi_throw_type_error(env, NULL, "native: expected a bytes-like object");
      ok = false;
    }
  }
  for (uint32_t i = 0; ok && i < count; i++) {
    void *p;
    size_t len;
    ok = bs_get_bytes(env, vals[i], &p, &len);
    if (ok) {
      (*iov)[i].iov_base = p;
      (*iov)[i].iov_len = len;
    }
  }
  if (vals != stack_vals) free(vals);
  if (!ok) {
    if (*iov != stack) free(*iov);
    *iov = stack;
    return false;
  }
  *n = count;
  return true;
}

/* ---- sendmsg ---------------------------------------------------------------- */

/* Builds the control buffer from a flat [level, type, data, ...] array into
 * msg (stack room or malloc'ed; *heap is set when the caller must free it). */
static bool build_control(napi_env env, napi_value anc, struct msghdr *msg,
                          void *stack, size_t stack_len, void **heap) {
  *heap = NULL;
  msg->msg_control = NULL;
  msg->msg_controllen = 0;
  napi_valuetype t;
  if (napi_typeof(env, anc, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) return true;
  uint32_t flat;
  if (napi_get_array_length(env, anc, &flat) != napi_ok) {
    napi_throw_type_error(env, NULL, "native: ancillary data must be an array");
    return false;
  }
  if (flat % 3 != 0) {
    napi_throw_range_error(env, NULL, "native: ancillary data is not [level, type, data] triples");
    return false;
  }
  size_t items = flat / 3;
  if (items == 0) return true;
  /* First pass: the total space, every item checked against the limits. */
  size_t total = 0;
  for (size_t i = 0; i < items; i++) {
    napi_value d;
    void *p;
    size_t len;
    if (napi_get_element(env, anc, (uint32_t)(i * 3 + 2), &d) != napi_ok ||
        !bs_get_bytes(env, d, &p, &len))
      return false;
    int r = bs_cmsg_add_space(&total, len);
    if (r != 0) {
      napi_throw_range_error(env, NULL, r == BS_CMSG_ITEM_TOO_LARGE ? "native: ancillary data item too large"
                                                                    : "native: too much ancillary data");
      return false;
    }
  }
  void *buf = stack;
  if (total > stack_len) {
    buf = *heap = malloc(total);
    if (buf == NULL) {
      napi_throw_error(env, NULL, "native: out of memory");
      return false;
    }
  }
  memset(buf, 0, total);
  msg->msg_control = buf;
  msg->msg_controllen = total;
  /* Second pass: fill each header and its data. */
  struct cmsghdr *c = NULL;
  for (size_t i = 0; i < items; i++) {
    napi_value lv, tv, dv;
    int32_t level, type;
    void *p;
    size_t len;
    if (napi_get_element(env, anc, (uint32_t)(i * 3), &lv) != napi_ok ||
        napi_get_element(env, anc, (uint32_t)(i * 3 + 1), &tv) != napi_ok ||
        napi_get_element(env, anc, (uint32_t)(i * 3 + 2), &dv) != napi_ok ||
        !bs_get_i32(env, lv, &level) || !bs_get_i32(env, tv, &type) ||
        !bs_get_bytes(env, dv, &p, &len))
      goto fail;
    if (!bs_cmsg_put(msg, &c, level, type, p, len)) {
      napi_throw_range_error(env, NULL, "native: ancillary data does not fit in calculated space");
      goto fail;
    }
  }
  return true;
fail:
  free(*heap);
  *heap = NULL;
  return false;
}

/* sendmsg(fd, buffers[], ancFlat | null, flags, sockaddr | null, salen) -> n | -errno */
static napi_value js_sendmsg(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 6);
  int fd;
  int32_t flags;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[3], &flags)) return NULL;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  /* Order matters: build_control copies its data and may run JS (array
   * getters), get_iovecs runs JS only before it takes pointers, and the
   * address pointer is taken last, after which no JS runs until the call. */
  union { struct cmsghdr align; unsigned char bytes[STACK_CONTROL]; } control;
  void *heap;
  if (!build_control(env, argv[2], &msg, control.bytes, sizeof control.bytes, &heap)) return NULL;
  struct iovec stack_iov[STACK_IOV];
  struct iovec *iov;
  size_t niov;
  if (!get_iovecs(env, argv[1], stack_iov, STACK_IOV, &iov, &niov)) {
    free(heap);
    return NULL;
  }
  msg.msg_iov = iov;
  msg.msg_iovlen = niov;
  napi_valuetype t;
  bool addr_ok = napi_typeof(env, argv[4], &t) == napi_ok;
  if (addr_ok && t != napi_null && t != napi_undefined) {
    struct sockaddr *sa;
    socklen_t salen;
    addr_ok = bs_get_sockaddr(env, argv[4], argv[5], &sa, &salen);
    if (addr_ok) {
      msg.msg_name = sa;
      msg.msg_namelen = salen;
    }
  }
  if (!addr_ok) {
    free(heap);
    if (iov != stack_iov) free(iov);
    return NULL;
  }
  ssize_t r = sendmsg(fd, &msg, flags);
  int e = errno;
  free(heap);
  if (iov != stack_iov) free(iov);
  return bs_int(env, r < 0 ? -e : r);
}

/* ---- recvmsg ---------------------------------------------------------------- */

/* Appends [level, type, Buffer] for each item of the received control buffer
 * to `out`.  Returns the walk status (0 clean, 1 an item was clipped, -1 a
 * malformed header stopped the walk), or -2 with an exception pending. */
static int push_items(napi_env env, struct msghdr *msg, napi_value out) {
  int status = 0;
  uint32_t n = 0;
  for (struct cmsghdr *c = bs_cmsg_first(msg); c != NULL; c = bs_cmsg_next(msg, c)) {
    size_t len;
    int s = bs_cmsg_data_len(msg, c, &len);
    if (s != 0) status = s;
    if (s < 0) break;
    napi_value item, parts[3];
    parts[0] = bs_int(env, c->cmsg_level);
    parts[1] = bs_int(env, c->cmsg_type);
    parts[2] = bs_buffer_copy(env, CMSG_DATA(c), len);
    if (parts[2] == NULL || napi_create_array_with_length(env, 3, &item) != napi_ok) return -2;
    for (uint32_t k = 0; k < 3; k++)
      if (napi_set_element(env, item, k, parts[k]) != napi_ok) return -2;
    if (napi_set_element(env, out, n++, item) != napi_ok) return -2;
    /* A frozen, sealed or read-only array ignores the set without throwing:
     * the received descriptors would go unreported (and leak). */
    uint32_t out_len;
    napi_value got;
    bool same = false;
    if (napi_get_array_length(env, out, &out_len) != napi_ok || out_len < n ||
        napi_get_element(env, out, n - 1, &got) != napi_ok ||
        napi_strict_equals(env, got, item, &same) != napi_ok || !same) {
      bool pending = false;
      if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
        napi_throw_type_error(env, NULL, "native: the ancillary output array is not writable");
      return -2;
    }
  }
  return status;
}

/* recvmsg(fd, buffer | buffers[], ancbufsize, flags, scratch, out Int32Array[2], ancOut[])
 *   -> n | -errno.  out[0] = msg_flags, out[1] = walk status (see push_items);
 *   the address lands in scratch; [level, type, data] items are appended to
 *   ancOut.  Received descriptors are closed if the items cannot be built. */
static napi_value js_recvmsg(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 7);
  int fd;
  int64_t ancbufsize;
  int32_t flags;
  struct sockaddr *sa;
  uint32_t *lenp;
  void *outp;
  size_t outlen;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i64(env, argv[2], &ancbufsize) ||
      !bs_get_i32(env, argv[3], &flags))
    return NULL;
  if (ancbufsize < 0 || ancbufsize > BS_SOCKLEN_LIMIT)
    BS_THROW_RANGE(env, "native: invalid ancillary data buffer length");
  bool is_array;
  if (napi_is_array(env, argv[6], &is_array) != napi_ok || !is_array)
    BS_THROW_TYPE(env, "native: recvmsg needs an output array");
  /* get_iovecs may run JS (array getters) before it takes its pointers; the
   * scratch and output pointers are taken after it, with no JS in between. */
  struct iovec stack_iov[STACK_IOV];
  struct iovec *iov;
  size_t niov;
  if (!get_iovecs(env, argv[1], stack_iov, STACK_IOV, &iov, &niov)) return NULL;
  if (!bs_get_scratch(env, argv[4], &sa, &lenp) || !bs_get_bytes(env, argv[5], &outp, &outlen) ||
      outlen < 2 * sizeof(int32_t) || ((uintptr_t)outp % sizeof(int32_t)) != 0) {
    if (iov != stack_iov) free(iov);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_range_error(env, NULL, "native: recvmsg output too small or misaligned");
    return NULL;
  }

  union { struct cmsghdr align; unsigned char bytes[STACK_CONTROL]; } control;
  void *cbuf = NULL;
  if (ancbufsize > 0) {
    if ((size_t)ancbufsize <= sizeof control.bytes) {
      cbuf = control.bytes;
    } else {
      cbuf = malloc((size_t)ancbufsize);
      if (cbuf == NULL) {
        if (iov != stack_iov) free(iov);
        napi_throw_error(env, NULL, "native: out of memory");
        return NULL;
      }
    }
    /* Not zeroed (a 2 GiB ancbufsize would be touched in full): the kernel
     * writes msg_controllen bytes, and the walk reads no further. */
  }
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(sa, 0, sizeof(struct sockaddr_storage));
  msg.msg_name = sa;
  msg.msg_namelen = sizeof(struct sockaddr_storage);
  msg.msg_iov = iov;
  msg.msg_iovlen = niov;
  msg.msg_control = cbuf;
  msg.msg_controllen = (size_t)ancbufsize;

  ssize_t r = recvmsg(fd, &msg, flags);
  int e = errno;
  if (iov != stack_iov) free(iov);
  if (r < 0) {
    if (cbuf != control.bytes) free(cbuf);
    return bs_int(env, -e);
  }
  /* Trust nothing about the lengths coming back beyond what we gave. */
  if (msg.msg_controllen > (size_t)ancbufsize) msg.msg_controllen = (size_t)ancbufsize;
  if (msg.msg_namelen > sizeof(struct sockaddr_storage)) msg.msg_namelen = sizeof(struct sockaddr_storage);
  *lenp = msg.msg_namelen;
  int32_t *out = outp;
  out[0] = msg.msg_flags;
  int status = push_items(env, &msg, argv[6]);
  if (status == -2) {
    close_received_fds(&msg);
    if (cbuf != control.bytes) free(cbuf);
    return NULL;
  }
  /* push_items ran JS (array element sets): take the output pointer again.
   * The control buffer stays alive until then, for close_received_fds. */
  if (!bs_get_bytes(env, argv[5], &outp, &outlen) || outlen < 2 * sizeof(int32_t) ||
      ((uintptr_t)outp % sizeof(int32_t)) != 0) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_range_error(env, NULL, "native: recvmsg output detached");
    close_received_fds(&msg);
    if (cbuf != control.bytes) free(cbuf);
    return NULL;
  }
  if (cbuf != control.bytes) free(cbuf);
  ((int32_t *)outp)[1] = status;
  return bs_int(env, r);
}

/* ---- sendfile ---------------------------------------------------------------- */

/* sendfile(outFd, inFd, offset, count) -> sent | -errno (-ENOSYS where the
 * platform has no sendfile(2) of Linux's shape: TypeScript falls back to send). */
static napi_value js_sendfile(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 4);
  int out_fd, in_fd;
  int64_t offset, count;
  if (!bs_get_fd(env, argv[0], &out_fd) || !bs_get_fd(env, argv[1], &in_fd) ||
      !bs_get_i64(env, argv[2], &offset) || !bs_get_i64(env, argv[3], &count))
    return NULL;
  if (offset < 0 || count < 0) BS_THROW_RANGE(env, "native: negative sendfile offset or count");
#if defined(__linux__)
  off_t off = (off_t)offset;
  ssize_t r = sendfile(out_fd, in_fd, &off, (size_t)count);
  return bs_int(env, r < 0 ? -errno : r);
#else
  (void)out_fd; (void)in_fd;
  return bs_int(env, -ENOSYS);
#endif
}

/* lseek(fd, offset, whence) -> position | -errno (sendfile keeps the file
 * position as Python's does) */
static napi_value js_lseek(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 3);
  int fd;
  int64_t offset;
  int32_t whence;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i64(env, argv[1], &offset) ||
      !bs_get_i32(env, argv[2], &whence))
    return NULL;
  off_t r = lseek(fd, (off_t)offset, whence);
  return bs_int(env, r < 0 ? -errno : (int64_t)r);
}

/* ---- sendmmsg / recvmmsg ------------------------------------------------------ */

#ifdef BS_HAVE_MMSG
/* sendmmsg(fd, datas[], addrTable | null, addrInfo Int32Array[2n] | null, flags,
 *          dataIndex Int32Array[n], n) -> messages sent | -errno.
 *   datas holds the distinct message payloads, each a bytes-like value or an
 *   array of them; message i sends datas[dataIndex[i]] (a payload repeated
 *   across a batch is fetched and checked once, and its iovecs are shared).
 *   addrInfo holds [offset, length] into addrTable per message (offset -1: no
 *   address).  At most MAX_BATCH messages are sent per call. */
static napi_value js_sendmmsg(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 7);
  int fd;
  int32_t flags;
  int64_t count;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_i32(env, argv[4], &flags) || !bs_get_i64(env, argv[6], &count))
    return NULL;
  uint32_t u;
  if (napi_get_array_length(env, argv[1], &u) != napi_ok)
    BS_THROW_TYPE(env, "native: sendmmsg needs an array of messages");
  if (count < 0 || u > MAX_BATCH) BS_THROW_RANGE(env, "native: sendmmsg count or payloads out of range");
  uint32_t n = count > MAX_BATCH ? MAX_BATCH : (uint32_t)count;
  if (n == 0) return bs_int(env, 0);

  /* Every JS value is fetched first (element getters may run JS), and only
   * then are pointers taken, so no JS can detach a buffer already pointed to.
   * Pass 1: the payloads and how many buffers each has. */
  napi_value result = NULL;
  struct mmsghdr *mm = NULL;
  struct iovec *iov = NULL;
  napi_value *evals = NULL;
  napi_value *vals = malloc(sizeof(napi_value) * (u > 0 ? u : 1));
  size_t *first = malloc(sizeof(size_t) * (u > 0 ? u : 1));
  size_t *nbufs = malloc(sizeof(size_t) * (u > 0 ? u : 1));
  mm = calloc(n, sizeof(struct mmsghdr));
  if (vals == NULL || first == NULL || nbufs == NULL || mm == NULL) {
    napi_throw_error(env, NULL, "native: out of memory");
    goto done;
  }
  size_t total_iov = 0;
  for (uint32_t j = 0; j < u; j++) {
    bool is_array;
    if (napi_get_element(env, argv[1], j, &vals[j]) != napi_ok ||
        napi_is_array(env, vals[j], &is_array) != napi_ok)
      goto done;
    uint32_t k = 1;
    if (is_array && napi_get_array_length(env, vals[j], &k) != napi_ok) goto done;
    /* A bound on the allocation only; the kernel refuses more than
     * UIO_MAXIOV buffers itself (EMSGSIZE). */
    if (k > MAX_IOV_FETCH || total_iov + k > MAX_IOV_FETCH) {
      napi_throw_range_error(env, NULL, "native: sendmmsg message has too many buffers");
      goto done;
    }
    first[j] = total_iov;
    nbufs[j] = is_array ? k : 0; /* 0 marks "the value itself" */
    total_iov += k;
  }
  iov = malloc(sizeof(struct iovec) * (total_iov > 0 ? total_iov : 1));
  evals = malloc(sizeof(napi_value) * (total_iov > 0 ? total_iov : 1));
  if (iov == NULL || evals == NULL) {
    napi_throw_error(env, NULL, "native: out of memory");
    goto done;
  }
  /* Pass 2: the buffers of every payload (more JS may run here). */
  for (uint32_t j = 0; j < u; j++) {
    if (nbufs[j] == 0) {
      evals[first[j]] = vals[j];
      nbufs[j] = 1;
      continue;
    }
    for (size_t e = 0; e < nbufs[j]; e++) {
      if (napi_get_element(env, vals[j], (uint32_t)e, &evals[first[j] + e]) != napi_ok) goto done;
      if (!bs_is_bytes(env, evals[first[j] + e])) {
        napi_throw_type_error(env, NULL, "native: expected a bytes-like object");
        goto done;
      }
    }
  }
  /* Pass 3: pointers only, no JS from here to the system call. */
  void *table = NULL, *infop = NULL, *indexp = NULL;
  size_t table_len = 0, info_len = 0, index_len = 0;
  if (!bs_get_bytes_or_null(env, argv[2], &table, &table_len) ||
      !bs_get_bytes_or_null(env, argv[3], &infop, &info_len) ||
      !bs_get_bytes(env, argv[5], &indexp, &index_len))
    goto done;
  if (infop != NULL && (info_len < (size_t)n * 2 * sizeof(int32_t) || ((uintptr_t)infop % sizeof(int32_t)) != 0)) {
    napi_throw_range_error(env, NULL, "native: sendmmsg address info too small or misaligned");
    goto done;
  }
  if (index_len < (size_t)n * sizeof(int32_t) || ((uintptr_t)indexp % sizeof(int32_t)) != 0) {
    napi_throw_range_error(env, NULL, "native: sendmmsg data index too small or misaligned");
    goto done;
  }
  for (size_t e = 0; e < total_iov; e++) {
    if (!bs_get_bytes(env, evals[e], &iov[e].iov_base, &iov[e].iov_len)) goto done;
  }
  const int32_t *ai = infop;
  const int32_t *di = indexp;
  for (uint32_t i = 0; i < n; i++) {
    int32_t j = di[i];
    if (j < 0 || (uint32_t)j >= u) {
      napi_throw_range_error(env, NULL, "native: sendmmsg data index out of range");
      goto done;
    }
    /* Messages with the same payload share its iovecs: the kernel only reads them. */
    mm[i].msg_hdr.msg_iov = iov + first[j];
    mm[i].msg_hdr.msg_iovlen = nbufs[j];
    if (ai != NULL && ai[2 * i] >= 0) {
      int32_t off = ai[2 * i], len = ai[2 * i + 1];
      if (table == NULL || len < 0 || (size_t)len > sizeof(struct sockaddr_storage) ||
          (size_t)off > table_len || (size_t)len > table_len - (size_t)off) {
        napi_throw_range_error(env, NULL, "native: sendmmsg address outside its table");
        goto done;
      }
      mm[i].msg_hdr.msg_name = (char *)table + off;
      mm[i].msg_hdr.msg_namelen = (socklen_t)len;
    }
  }
  int r = sendmmsg(fd, mm, n, flags);
  result = bs_int(env, r < 0 ? -errno : r);
done:
  free(mm);
  free(iov);
  free(evals);
  free(vals);
  free(first);
  free(nbufs);
  return result;
}

/* recvmmsg(fd, slab, bufsize, vlen, flags, addrSlab, out Int32Array[2 vlen])
 *   -> messages received | -errno.  Datagram i is received at
 *   slab[i * bufsize]; on return the datagrams are compacted to the start of
 *   the slab in order, each min(length, bufsize) bytes.  Its address in
 *   scratch layout is at addrSlab[i * BS_SCRATCH_SIZE], its (untruncated)
 *   length and msg_flags in out[2i], out[2i + 1]. */
static napi_value js_recvmmsg(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 7);
  int fd;
  int64_t bufsize, vlen;
  int32_t flags;
  void *slab, *addrs, *outp;
  size_t slab_len, addrs_len, out_len;
  if (!bs_get_fd(env, argv[0], &fd) || !bs_get_bytes(env, argv[1], &slab, &slab_len) ||
      !bs_get_i64(env, argv[2], &bufsize) || !bs_get_i64(env, argv[3], &vlen) ||
      !bs_get_i32(env, argv[4], &flags) || !bs_get_bytes(env, argv[5], &addrs, &addrs_len) ||
      !bs_get_bytes(env, argv[6], &outp, &out_len))
    return NULL;
  if (vlen < 1 || vlen > MAX_BATCH || bufsize < 0 || bufsize > BS_SOCKLEN_LIMIT)
    BS_THROW_RANGE(env, "native: recvmmsg vlen or bufsize out of range");
  size_t v = (size_t)vlen, b = (size_t)bufsize;
  if (slab_len / (v) < b || addrs_len / v < BS_SCRATCH_SIZE || ((uintptr_t)addrs % 8) != 0 ||
      out_len / v < 2 * sizeof(int32_t) || ((uintptr_t)outp % sizeof(int32_t)) != 0)
    BS_THROW_RANGE(env, "native: recvmmsg buffers too small or misaligned");
  struct mmsghdr stack_mm[64];
  struct iovec stack_iov[64];
  struct mmsghdr *mm = v <= 64 ? stack_mm : calloc(v, sizeof(struct mmsghdr));
  struct iovec *iov = v <= 64 ? stack_iov : malloc(sizeof(struct iovec) * v);
  if (mm == NULL || iov == NULL) {
    if (mm != stack_mm) free(mm);
    if (iov != stack_iov) free(iov);
    napi_throw_error(env, NULL, "native: out of memory");
    return NULL;
  }
  if (mm == stack_mm) memset(mm, 0, sizeof(struct mmsghdr) * v);
  for (size_t i = 0; i < v; i++) {
    iov[i].iov_base = (char *)slab + i * b;
    iov[i].iov_len = b;
    mm[i].msg_hdr.msg_iov = &iov[i];
    mm[i].msg_hdr.msg_iovlen = 1;
    mm[i].msg_hdr.msg_name = (char *)addrs + i * BS_SCRATCH_SIZE + 8;
    mm[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
  }
  int r = recvmmsg(fd, mm, (unsigned int)v, flags, NULL);
  int e = errno;
  if (r > 0) bs_mmsg_collect(mm, r, slab, b, addrs, BS_SCRATCH_SIZE, outp);
  if (mm != stack_mm) free(mm);
  if (iov != stack_iov) free(iov);
  return bs_int(env, r < 0 ? -e : r);
}
#endif

void bs_register_messages(napi_env env, napi_value exports) {
  bs_export(env, exports, "cmsg_len", js_cmsg_len);
  bs_export(env, exports, "cmsg_space", js_cmsg_space);
  bs_export(env, exports, "sendmsg", js_sendmsg);
  bs_export(env, exports, "recvmsg", js_recvmsg);
  bs_export(env, exports, "sendfile", js_sendfile);
  bs_export(env, exports, "lseek", js_lseek);
#ifdef BS_HAVE_MMSG
  bs_export(env, exports, "sendmmsg", js_sendmmsg);
  bs_export(env, exports, "recvmmsg", js_recvmmsg);
#endif
  napi_value v;
  napi_get_boolean(env,
#ifdef BS_HAVE_MMSG
                   true,
#else
                   false,
#endif
                   &v);
  napi_set_named_property(env, exports, "has_mmsg", v);
  /* The byte sizes the typed helpers of src/ancillary.ts lay out by. */
  napi_value sizes;
  napi_create_object(env, &sizes);
  napi_set_named_property(env, sizes, "int", bs_int(env, sizeof(int)));
  napi_set_named_property(env, sizes, "cmsghdr", bs_int(env, sizeof(struct cmsghdr)));
  napi_set_named_property(env, exports, "cmsg_sizes", sizes);
}
