/* Name services: getaddrinfo, getnameinfo, gethostby{name,name_ex,addr},
 * getservby{name,port}, getprotobyname, gai_strerror.
 *
 * Every look-up is a "job": its inputs are copied into one allocation, a
 * worker function runs the libc calls touching no JS value, and a builder
 * turns the outcome into a JS value.  The synchronous export runs the three
 * steps on the calling thread; the `_async` export queues the worker on
 * libuv's thread pool (napi_async_work) and resolves a Promise with the
 * builder's value in the completion callback.  Both give the same value.
 *
 * Failures are data, never thrown (native/README.md): a plain object
 *   {gai, errno}  getaddrinfo/getnameinfo failed (errno kept for EAI_SYSTEM)
 *   {herror}      gethostby*_r failed; the value is h_errno
 *   {errno}       a system error (EAFNOSUPPORT from a hostent of another family)
 *   {message}     CPython's OSError(message) cases
 * Successes are never plain objects (arrays, strings, numbers).
 *
 * Only reentrant libc calls (getaddrinfo, getnameinfo, *_r, inet_ntop), so
 * jobs may run concurrently on the pool and in worker threads. */
#include "bs.h"
#include "results.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op {
  OP_GETADDRINFO,
  OP_GETADDRINFO_DECODED,
  OP_GETNAMEINFO,
  OP_GETHOSTBYNAME,
  OP_GETHOSTBYNAME_EX,
  OP_GETHOSTBYADDR,
  OP_GETSERVBYNAME,
  OP_GETSERVBYPORT,
  OP_GETPROTOBYNAME,
};

/* Argument layout of each op: 's' a string or bytes (copied), 'S' the same
 * or null, 'i' an integer.  Strings fill str[] in order, integers num[]; only
 * an 'S' string may be left NULL (the workers dereference the others). */
static const char *const op_format[] = {
  [OP_GETADDRINFO] = "SSiiii",     /* host, service, family, type, proto, flags */
  [OP_GETADDRINFO_DECODED] = "SSiiii",
  [OP_GETNAMEINFO] = "siiiii",     /* host, port, flowinfo, scope_id, tuple length, flags */
  [OP_GETHOSTBYNAME] = "s",
  [OP_GETHOSTBYNAME_EX] = "s",
  [OP_GETHOSTBYADDR] = "s",
  [OP_GETSERVBYNAME] = "sS",       /* name, proto */
  [OP_GETSERVBYPORT] = "iS",       /* port, proto */
  [OP_GETPROTOBYNAME] = "s",
};

enum failure { F_NONE, F_GAI, F_HERROR, F_ERRNO, F_MESSAGE };

typedef struct job {
  napi_async_work work;
  napi_deferred deferred;
  int op;
  /* inputs (strings point into text[]) */
  const char *str[2];
  int64_t num[6];
  /* outcome */
  int failure;
  int code;           /* EAI_* or h_errno or errno */
  int sys_errno;      /* errno next to EAI_SYSTEM */
  const char *message;
  struct addrinfo *ai;            /* OP_GETADDRINFO */
  struct sockaddr_storage sa;     /* setipaddr's result */
  struct hostent he;              /* gethostby*_r */
  struct hostent *hp;
  char *hbuf;
  int number;                     /* port or protocol number */
  char host[NI_MAXHOST];          /* getnameinfo host, gethostbyname text */
  char serv[NI_MAXSERV];          /* getnameinfo service, getservbyport name */
  char text[];
} job;

/* The reentrant netdb lookups are a glibc extension (macOS has none, musl
 * lacks getprotobyname_r). Elsewhere the classic calls run one thread at a
 * time under a lock and their results are copied out before it is released,
 * into the same caller-owned storage the glibc calls fill. */
#if defined(__GLIBC__)
#define bs_gethostbyname_r gethostbyname_r
#define bs_gethostbyaddr_r gethostbyaddr_r
#define bs_getservbyname_r getservbyname_r
#define bs_getservbyport_r getservbyport_r
#define bs_getprotobyname_r getprotobyname_r
#else
#include <pthread.h>
static pthread_mutex_t netdb_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copies `src` into `dst` and `buf` (pointer arrays first, so they stay
 * aligned); ERANGE when `buf` is too small, EINVAL for an address length no
 * family has. */
static int copy_hostent(const struct hostent *src, struct hostent *dst, char *buf, size_t size) {
  size_t naliases = 0, naddrs = 0;
  if (src->h_length < 0 || (size_t)src->h_length > sizeof(struct in6_addr)) return EINVAL;
  size_t alen = (size_t)src->h_length;
  while (src->h_aliases && src->h_aliases[naliases]) naliases++;
  while (src->h_addr_list && src->h_addr_list[naddrs]) naddrs++;
  const char *name = src->h_name ? src->h_name : "";
  size_t need = (naliases + 1 + naddrs + 1) * sizeof(char *) + naddrs * alen + strlen(name) + 1;
  for (size_t i = 0; i < naliases; i++) need += strlen(src->h_aliases[i]) + 1;
  if (need > size) return ERANGE;
  char **aliases = (char **)(void *)buf, **addrs = aliases + naliases + 1;
  char *p = (char *)(addrs + naddrs + 1);
  for (size_t i = 0; i < naddrs; i++, p += alen) addrs[i] = memcpy(p, src->h_addr_list[i], alen);
  addrs[naddrs] = NULL;
  for (size_t i = 0; i < naliases; i++) {
    size_t n = strlen(src->h_aliases[i]) + 1;
    aliases[i] = memcpy(p, src->h_aliases[i], n);
    p += n;
  }
  aliases[naliases] = NULL;
  dst->h_name = memcpy(p, name, strlen(name) + 1);
  dst->h_aliases = aliases;
  dst->h_addrtype = src->h_addrtype;
  dst->h_length = src->h_length;
  dst->h_addr_list = addrs;
  return 0;
}

static int hostent_locked(const char *name, const void *addr, socklen_t alen, int af, struct hostent *ret,
                          char *buf, size_t size, struct hostent **result, int *herr) {
  pthread_mutex_lock(&netdb_lock);
  struct hostent *h = addr ? gethostbyaddr(addr, alen, af) : gethostbyname(name);
  int r = 0;
  *result = NULL;
  if (!h) *herr = h_errno;
  else if ((r = copy_hostent(h, ret, buf, size)) == 0) *result = ret;
  else if (r != ERANGE) *herr = NO_RECOVERY;
  pthread_mutex_unlock(&netdb_lock);
  return r;
}
static int bs_gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t size,
                              struct hostent **result, int *herr) {
  return hostent_locked(name, NULL, 0, 0, ret, buf, size, result, herr);
}
static int bs_gethostbyaddr_r(const void *addr, socklen_t alen, int af, struct hostent *ret, char *buf,
                              size_t size, struct hostent **result, int *herr) {
  return hostent_locked(NULL, addr, alen, af, ret, buf, size, result, herr);
}

/* A servent with only s_name and s_port filled (all the callers read). */
static int servent_locked(const char *name, int port, const char *proto, struct servent *ret, char *buf,
                          size_t size, struct servent **result) {
  pthread_mutex_lock(&netdb_lock);
  struct servent *s = name ? getservbyname(name, proto) : getservbyport(port, proto);
  *result = NULL;
  if (s && s->s_name && strlen(s->s_name) < size) {
    memset(ret, 0, sizeof *ret);
    ret->s_name = strcpy(buf, s->s_name);
    ret->s_port = s->s_port;
    *result = ret;
  }
  pthread_mutex_unlock(&netdb_lock);
  return *result ? 0 : ENOENT;
}
static int bs_getservbyname_r(const char *name, const char *proto, struct servent *ret, char *buf, size_t size,
                              struct servent **result) {
  return servent_locked(name, 0, proto, ret, buf, size, result);
}
static int bs_getservbyport_r(int port, const char *proto, struct servent *ret, char *buf, size_t size,
                              struct servent **result) {
  return servent_locked(NULL, port, proto, ret, buf, size, result);
}

/* A protoent with only p_name and p_proto filled. */
static int bs_getprotobyname_r(const char *name, struct protoent *ret, char *buf, size_t size,
                               struct protoent **result) {
  pthread_mutex_lock(&netdb_lock);
  struct protoent *p = getprotobyname(name);
  *result = NULL;
  if (p && p->p_name && strlen(p->p_name) < size) {
    memset(ret, 0, sizeof *ret);
    ret->p_name = strcpy(buf, p->p_name);
    ret->p_proto = p->p_proto;
    *result = ret;
  }
  pthread_mutex_unlock(&netdb_lock);
  return *result ? 0 : ENOENT;
}
#endif

static void job_free(job *j) {
  if (j->ai) freeaddrinfo(j->ai);
  free(j->hbuf);
  free(j);
}

/* ---- outcomes ----------------------------------------------------------- */

static int fail_gai(job *j, int code, int e) {
  j->failure = F_GAI;
  j->code = code;
  j->sys_errno = e;
  return -1;
}

static int fail_message(job *j, const char *m) {
  j->failure = F_MESSAGE;
  j->message = m;
  return -1;
}

/* ---- worker side: no JS values below this line until the builders ------- */

/* CPython's setipaddr(): '' is the wildcard (getaddrinfo AI_PASSIVE),
 * '<broadcast>' INADDR_BROADCAST, numeric literals skip the resolver (an
 * IPv6 literal with a %scope goes through getaddrinfo, which knows interface
 * names), anything else is the first getaddrinfo result. */
static int setipaddr(job *j, const char *name, int af) {
  struct addrinfo hints, *res = NULL;
  memset(&j->sa, 0, sizeof j->sa);
  if (name[0] == '\0') {
    memset(&hints, 0, sizeof hints);
    hints.ai_family = af;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    errno = 0;
    int r = getaddrinfo(NULL, "0", &hints, &res);
    if (r != 0) return fail_gai(j, r, errno);
    if (res->ai_family != AF_INET && res->ai_family != AF_INET6) {
      freeaddrinfo(res);
      return fail_message(j, "unsupported address family");
    }
    if (res->ai_next) {
      freeaddrinfo(res);
      return fail_message(j, "wildcard resolved to multiple address");
    }
    size_t n = res->ai_addrlen < sizeof j->sa ? res->ai_addrlen : sizeof j->sa;
    memcpy(&j->sa, res->ai_addr, n);
    freeaddrinfo(res);
    return 0;
  }
  if (strcmp(name, "255.255.255.255") == 0 || strcmp(name, "<broadcast>") == 0) {
    if (af != AF_INET && af != AF_UNSPEC) return fail_message(j, "address family mismatched");
    struct sockaddr_in *sin = (struct sockaddr_in *)&j->sa;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_BROADCAST);
    return 0;
  }
  if (af == AF_INET || af == AF_UNSPEC) {
    struct sockaddr_in *sin = (struct sockaddr_in *)&j->sa;
    if (inet_pton(AF_INET, name, &sin->sin_addr) > 0) {
      sin->sin_family = AF_INET;
      return 0;
    }
  }
  if ((af == AF_INET6 || af == AF_UNSPEC) && strchr(name, '%') == NULL) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&j->sa;
    if (inet_pton(AF_INET6, name, &sin6->sin6_addr) > 0) {
      sin6->sin6_family = AF_INET6;
      return 0;
    }
  }
  memset(&j->sa, 0, sizeof j->sa);
  memset(&hints, 0, sizeof hints);
  hints.ai_family = af;
  errno = 0;
  int r = getaddrinfo(name, NULL, &hints, &res);
  if (r != 0) return fail_gai(j, r, errno);
  size_t n = res->ai_addrlen < sizeof j->sa ? res->ai_addrlen : sizeof j->sa;
  memcpy(&j->sa, res->ai_addr, n);
  freeaddrinfo(res);
  if (j->sa.ss_family != AF_INET && j->sa.ss_family != AF_INET6)
    return fail_message(j, "unknown address family");
  return 0;
}

/* The hostent calls with a buffer that grows on ERANGE (bounded at 1 MiB). */
static void hostent_call(job *j, const void *addr, socklen_t alen, int af) {
  size_t size = 4096;
  for (;;) {
    char *buf = realloc(j->hbuf, size);
    if (!buf) {
      j->failure = F_ERRNO;
      j->code = ENOMEM;
      return;
    }
    j->hbuf = buf;
    int herr = 0, r;
    j->hp = NULL;
    if (addr)
      r = bs_gethostbyaddr_r(addr, alen, af, &j->he, buf, size, &j->hp, &herr);
    else
      r = bs_gethostbyname_r(j->str[0], &j->he, buf, size, &j->hp, &herr);
    if (r == ERANGE && size < (1u << 20)) {
      size *= 2;
      continue;
    }
    if (j->hp == NULL) {
      j->failure = F_HERROR;
      /* The call's own out-parameter.  CPython reads the thread's h_errno,
       * which glibc does not always set (it can be stale). */
      j->code = herr;
    } else if (j->hp->h_addrtype != af) {
      /* CPython's gethost_common: a hostent of another family. */
      j->failure = F_ERRNO;
      j->code = EAFNOSUPPORT;
    }
    return;
  }
}

static void exec_getaddrinfo(job *j) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = (int)j->num[0];
  hints.ai_socktype = (int)j->num[1];
  hints.ai_protocol = (int)j->num[2];
  hints.ai_flags = (int)j->num[3];
  errno = 0;
  int r = getaddrinfo(j->str[0], j->str[1], &hints, &j->ai);
  if (r != 0) {
    j->ai = NULL;
    fail_gai(j, r, errno);
  }
}

/* CPython's getnameinfo(): the numeric host and port go through getaddrinfo
 * (AI_NUMERICHOST, SOCK_DGRAM) to build the sockaddr, then flowinfo and the
 * scope id are set and getnameinfo runs. */
static void exec_getnameinfo(job *j) {
  char port[24];
  snprintf(port, sizeof port, "%d", (int)j->num[0]);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST;
  errno = 0;
  int r = getaddrinfo(j->str[0], port, &hints, &res);
  if (r != 0) {
    fail_gai(j, r, errno);
    return;
  }
  if (res->ai_next) {
    fail_message(j, "sockaddr resolved to multiple addresses");
    freeaddrinfo(res);
    return;
  }
  if (res->ai_family == AF_INET) {
    if (j->num[3] != 2) {
      fail_message(j, "IPv4 sockaddr must be 2 tuple");
      freeaddrinfo(res);
      return;
    }
  } else if (res->ai_family == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)res->ai_addr;
    sin6->sin6_flowinfo = htonl((uint32_t)j->num[1]);
    sin6->sin6_scope_id = (uint32_t)j->num[2];
  }
  errno = 0;
  r = getnameinfo(res->ai_addr, res->ai_addrlen, j->host, sizeof j->host, j->serv,
                  sizeof j->serv, (int)j->num[4]);
  if (r != 0) fail_gai(j, r, errno);
  freeaddrinfo(res);
}

static void exec_gethostbyname(job *j) {
  if (setipaddr(j, j->str[0], AF_INET) < 0) return;
  inet_ntop(AF_INET, &((struct sockaddr_in *)&j->sa)->sin_addr, j->host, sizeof j->host);
}

static void exec_gethostbyname_ex(job *j) {
  if (setipaddr(j, j->str[0], AF_INET) < 0) return;
  hostent_call(j, NULL, 0, j->sa.ss_family);
}

static void exec_gethostbyaddr(job *j) {
  if (setipaddr(j, j->str[0], AF_UNSPEC) < 0) return;
  int af = j->sa.ss_family;
  if (af == AF_INET)
    hostent_call(j, &((struct sockaddr_in *)&j->sa)->sin_addr, sizeof(struct in_addr), af);
  else if (af == AF_INET6)
    hostent_call(j, &((struct sockaddr_in6 *)&j->sa)->sin6_addr, sizeof(struct in6_addr), af);
  else
    fail_message(j, "unsupported address family");
}

static void exec_getservbyname(job *j) {
  struct servent se, *sp = NULL;
  char buf[4096];
  bs_getservbyname_r(j->str[0], j->str[1], &se, buf, sizeof buf, &sp);
  if (!sp) fail_message(j, "service/proto not found");
  else j->number = ntohs((uint16_t)sp->s_port);
}

static void exec_getservbyport(job *j) {
  struct servent se, *sp = NULL;
  char buf[4096];
  /* "is": the port is num[0], the protocol the first string. */
  bs_getservbyport_r(htons((uint16_t)j->num[0]), j->str[0], &se, buf, sizeof buf, &sp);
  if (!sp) {
    fail_message(j, "port/proto not found");
  } else {
    strncpy(j->serv, sp->s_name, sizeof j->serv - 1);
    j->serv[sizeof j->serv - 1] = '\0';
  }
}

static void exec_getprotobyname(job *j) {
  struct protoent pe, *pp = NULL;
  char buf[4096];
  bs_getprotobyname_r(j->str[0], &pe, buf, sizeof buf, &pp);
  if (!pp) fail_message(j, "protocol not found");
  else j->number = pp->p_proto;
}

static void job_exec(job *j) {
  switch (j->op) {
    case OP_GETADDRINFO:
    case OP_GETADDRINFO_DECODED: exec_getaddrinfo(j); break;
    case OP_GETNAMEINFO: exec_getnameinfo(j); break;
    case OP_GETHOSTBYNAME: exec_gethostbyname(j); break;
    case OP_GETHOSTBYNAME_EX: exec_gethostbyname_ex(j); break;
    case OP_GETHOSTBYADDR: exec_gethostbyaddr(j); break;
    case OP_GETSERVBYNAME: exec_getservbyname(j); break;
    case OP_GETSERVBYPORT: exec_getservbyport(j); break;
    case OP_GETPROTOBYNAME: exec_getprotobyname(j); break;
  }
}

/* ---- JS side: reading inputs, building results -------------------------- */

/* Length of a string/bytes argument (-1 for null/undefined where nullable),
 * throwing for other types. */
static bool text_length(napi_env env, napi_value v, bool nullable, ptrdiff_t *len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    if (!nullable) {
      napi_throw_type_error(env, NULL, "native: expected a string or bytes");
      return false;
    }
    *len = -1;
    return true;
  }
  if (t == napi_string) {
    size_t n;
    if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) return false;
    *len = (ptrdiff_t)n;
    return true;
  }
  void *data;
  size_t n;
  if (!bs_get_bytes(env, v, &data, &n)) return false;
  *len = (ptrdiff_t)n;
  return true;
}

/* Copies a string (UTF-8) or bytes into dst, NUL-terminated (len + 1 bytes). */
static void text_copy(napi_env env, napi_value v, char *dst, size_t len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_string) {
    size_t n;
    napi_get_value_string_utf8(env, v, dst, len + 1, &n);
    dst[n] = '\0';
    return;
  }
  void *data;
  size_t n;
  bs_get_bytes(env, v, &data, &n);
  if (len > 0) memcpy(dst, data, len); /* an empty buffer may have no memory (NULL) */
  dst[len] = '\0';
}

/* Reads the op's arguments into a new job: every string is copied into the
 * job's own tail, so the worker never touches JS memory. */
static job *job_new(napi_env env, napi_callback_info info, int op) {
  const char *fmt = op_format[op];
  size_t nargs = strlen(fmt);
  napi_value argv[BS_MAX_ARGS];
  size_t argc = nargs;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < nargs) {
    napi_throw_type_error(env, NULL, "native: missing argument");
    return NULL;
  }
  ptrdiff_t lens[2] = {-1, -1};
  size_t total = 0, ns = 0;
  for (size_t i = 0; i < nargs; i++) {
    if (fmt[i] != 's' && fmt[i] != 'S') continue;
    if (!text_length(env, argv[i], fmt[i] == 'S', &lens[ns])) return NULL;
    if (lens[ns] >= 0) total += (size_t)lens[ns] + 1;
    ns++;
  }
  job *j = calloc(1, sizeof(job) + total);
  if (!j) {
    napi_throw_error(env, NULL, "native: out of memory");
    return NULL;
  }
  j->op = op;
  char *p = j->text;
  size_t si = 0, ni = 0;
  for (size_t i = 0; i < nargs; i++) {
    if (fmt[i] == 's' || fmt[i] == 'S') {
      if (lens[si] >= 0) {
        text_copy(env, argv[i], p, (size_t)lens[si]);
        j->str[si] = p;
        p += lens[si] + 1;
      }
      si++;
    } else if (!bs_get_i64(env, argv[i], &j->num[ni++])) {
      free(j);
      return NULL;
    }
  }
  return j;
}

static napi_value failure_object(napi_env env, job *j) {
  napi_value o;
  napi_create_object(env, &o);
  switch (j->failure) {
    case F_GAI:
      napi_set_named_property(env, o, "gai", bs_int(env, j->code));
      napi_set_named_property(env, o, "errno", bs_int(env, j->sys_errno));
      break;
    case F_HERROR:
      napi_set_named_property(env, o, "herror", bs_int(env, j->code));
      break;
    case F_ERRNO:
      napi_set_named_property(env, o, "errno", bs_int(env, j->code));
      break;
    default:
      napi_set_named_property(env, o, "message", bs_str(env, j->message));
  }
  return o;
}

/* The list builders are plain C (results.c), shared with the fuzz harnesses. */
static napi_value build_with(napi_env env, job *j) {
  bs_napi_emit sink;
  bs_napi_emit_init(&sink, env);
  if (j->op == OP_GETADDRINFO || j->op == OP_GETADDRINFO_DECODED)
    bs_emit_addrinfo(j->ai, j->op == OP_GETADDRINFO_DECODED, &sink.base);
  else
    bs_emit_hostent(j->hp, &sink.base);
  return bs_napi_emit_result(&sink);
}

static napi_value job_build(napi_env env, job *j) {
  if (j->failure != F_NONE) return failure_object(env, j);
  switch (j->op) {
    case OP_GETADDRINFO:
    case OP_GETADDRINFO_DECODED: return build_with(env, j);
    case OP_GETNAMEINFO: {
      napi_value out;
      napi_create_array_with_length(env, 2, &out);
      napi_set_element(env, out, 0, bs_str(env, j->host));
      napi_set_element(env, out, 1, bs_str(env, j->serv));
      return out;
    }
    case OP_GETHOSTBYNAME: return bs_str(env, j->host);
    case OP_GETHOSTBYNAME_EX:
    case OP_GETHOSTBYADDR: return build_with(env, j);
    case OP_GETSERVBYPORT: return bs_str(env, j->serv);
    default: return bs_int(env, j->number);
  }
}

/* ---- the two ways of running a job -------------------------------------- */

static napi_value run_sync(napi_env env, napi_callback_info info, int op) {
  job *j = job_new(env, info, op);
  if (!j) return NULL;
  job_exec(j);
  napi_value v = job_build(env, j);
  job_free(j);
  return v;
}

static void work_execute(napi_env env, void *data) {
  job_exec((job *)data);
}

static void work_complete(napi_env env, napi_status status, void *data) {
  job *j = data;
  napi_value v = NULL;
  if (status == napi_ok) v = job_build(env, j);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value e;
    napi_get_and_clear_last_exception(env, &e);
    napi_reject_deferred(env, j->deferred, e);
  } else if (v == NULL) {
    napi_value msg, e;
    napi_create_string_utf8(env, "native: name look-up was cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &e);
    napi_reject_deferred(env, j->deferred, e);
  } else {
    napi_resolve_deferred(env, j->deferred, v);
  }
  napi_delete_async_work(env, j->work);
  job_free(j);
}

static napi_value run_async(napi_env env, napi_callback_info info, int op) {
  job *j = job_new(env, info, op);
  if (!j) return NULL;
  napi_value promise, name;
  napi_create_string_utf8(env, "bsd-socket:resolver", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok) {
    job_free(j);
    napi_throw_error(env, NULL, "native: cannot queue a name look-up");
    return NULL;
  }
  if (napi_create_async_work(env, NULL, name, work_execute, work_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    /* The deferred is settled (which frees it) and its promise returned: the
     * failure reaches the caller the way every other async failure does. */
    napi_value msg, e;
    if (j->work) napi_delete_async_work(env, j->work);
    napi_create_string_utf8(env, "native: cannot queue a name look-up", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &e);
    napi_reject_deferred(env, j->deferred, e);
    job_free(j);
  }
  return promise;
}

#define OP_EXPORTS(name, op)                                                     \
  static napi_value js_##name(napi_env env, napi_callback_info info) {           \
    return run_sync(env, info, op);                                              \
  }                                                                              \
  static napi_value js_##name##_async(napi_env env, napi_callback_info info) {   \
    return run_async(env, info, op);                                             \
  }

/* getaddrinfo(host|null, service|null, family, type, proto, flags)
 *   -> [[family, type, proto, canonname, sockaddrBuffer], ...] | {gai, errno} */
OP_EXPORTS(getaddrinfo, OP_GETADDRINFO)
/* getaddrinfo_decoded(...same) -> [[family, type, proto, canonname, [host, port, ...]], ...] | {gai, errno} */
OP_EXPORTS(getaddrinfo_decoded, OP_GETADDRINFO_DECODED)
/* getnameinfo(host, port, flowinfo, scope_id, tupleLength, flags) -> [host, service] | failure */
OP_EXPORTS(getnameinfo, OP_GETNAMEINFO)
/* gethostbyname(name) -> 'a.b.c.d' | failure */
OP_EXPORTS(gethostbyname, OP_GETHOSTBYNAME)
/* gethostbyname_ex(name) -> [name, aliases, addresses] | failure */
OP_EXPORTS(gethostbyname_ex, OP_GETHOSTBYNAME_EX)
/* gethostbyaddr(name) -> [name, aliases, addresses] | failure */
OP_EXPORTS(gethostbyaddr, OP_GETHOSTBYADDR)
/* getservbyname(name, proto|null) -> port | {message} */
OP_EXPORTS(getservbyname, OP_GETSERVBYNAME)
/* getservbyport(port, proto|null) -> name | {message} */
OP_EXPORTS(getservbyport, OP_GETSERVBYPORT)
/* getprotobyname(name) -> number | {message} */
OP_EXPORTS(getprotobyname, OP_GETPROTOBYNAME)

/* gai_strerror(code) -> text */
static napi_value js_gai_strerror(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t code;
  if (!bs_get_i32(env, argv[0], &code)) return NULL;
  return bs_str(env, gai_strerror(code));
}

/* hstrerror(code) -> text (a static table in glibc: reentrant) */
static napi_value js_hstrerror(napi_env env, napi_callback_info info) {
  BS_ARGS(env, info, 1);
  int32_t code;
  if (!bs_get_i32(env, argv[0], &code)) return NULL;
  return bs_str(env, hstrerror(code));
}

void bs_register_resolver(napi_env env, napi_value exports) {
#define EXPORT_OP(name)                                  \
  bs_export(env, exports, #name, js_##name);             \
  bs_export(env, exports, #name "_async", js_##name##_async)
  EXPORT_OP(getaddrinfo);
  EXPORT_OP(getaddrinfo_decoded);
  EXPORT_OP(getnameinfo);
  EXPORT_OP(gethostbyname);
  EXPORT_OP(gethostbyname_ex);
  EXPORT_OP(gethostbyaddr);
  EXPORT_OP(getservbyname);
  EXPORT_OP(getservbyport);
  EXPORT_OP(getprotobyname);
#undef EXPORT_OP
  bs_export(env, exports, "gai_strerror", js_gai_strerror);
  bs_export(env, exports, "hstrerror", js_hstrerror);
}
