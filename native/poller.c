/* The thread poller: readiness for the Promise twins with Node-API only.
 *
 * Bun's and Deno's Node-API have no libuv: Bun aborts the process on any uv_*
 * call, Deno accepts uv_poll_t but never runs it.  There, reactor.c waits for
 * readiness through this file instead of uv_poll_t (docs/runtimes.md).
 *
 * The contract (poller.h has the functions):
 *  - One poller per environment: an epoll set, an eventfd that wakes the
 *    thread to stop, and one thread blocked in epoll_wait.
 *  - The thread hands each batch of reports to the JS thread through a
 *    napi_threadsafe_function, then waits until the batch is delivered before
 *    it waits for readiness again: one call in flight, no queue to bound, and
 *    the batch's memory is never written while JS reads it.
 *  - Registrations are one-shot (EPOLLONESHOT): a reported descriptor stays
 *    quiet until the reactor watches it again after the dispatch, which gives
 *    libuv's level-triggered contract (what JS left unread is reported again)
 *    without the thread spinning on a descriptor JS has not served yet, and a
 *    file closed behind the library's back reports at most once.
 *  - The threadsafe function is unreferenced except while the reactor asks
 *    for a reference (a twin pending), so the poller never keeps the process
 *    alive on its own.
 *  - Teardown (bs_poller_destroy, from the environment's cleanup hook) wakes
 *    and joins the thread, closes the epoll and eventfd descriptors, and
 *    aborts the threadsafe function; its finalizer frees the memory, after
 *    any call still queued has been dropped.
 *  - Linux only (epoll, eventfd), guarded by the headers: elsewhere
 *    bs_poller_create returns ENOSYS and the twins reject with that error.
 */
#include "poller.h"

#include <errno.h>
#include <stdlib.h>

#if defined(__has_include)
#if __has_include(<sys/epoll.h>) && __has_include(<sys/eventfd.h>)
#define BS_HAVE_EPOLL 1
#endif
#endif

#ifdef BS_HAVE_EPOLL
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* Reports taken from one epoll_wait. */
#define BATCH_MAX 256
/* The key of the eventfd in the epoll set (slot keys never reach it). */
#define WAKE_KEY UINT64_MAX

struct bs_poller {
  napi_env env;
  napi_threadsafe_function tsfn;
  bs_poller_deliver deliver;
  void *ctx;
  int epfd;
  int wakefd;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool stopping;  /* under mu: the thread must end */
  bool delivered; /* under mu: JS has taken the batch */
  bool stopped;   /* JS thread only: destroy ran, deliveries are dropped */
  bool refd;
  uint32_t count; /* reports in the batch */
  uint64_t keys[BATCH_MAX];
  int32_t events[BATCH_MAX];
};

static int32_t bits_of(uint32_t e) {
  int32_t out = 0;
  if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) out |= BS_POLL_READABLE;
  if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) out |= BS_POLL_WRITABLE;
  return out;
}

static void *run(void *arg) {
  bs_poller *p = arg;
  struct epoll_event ev[BATCH_MAX];
  for (;;) {
    int n = epoll_wait(p->epfd, ev, BATCH_MAX, -1);
    if (n < 0 && errno == EINTR) continue;
    pthread_mutex_lock(&p->mu);
    if (n < 0 || p->stopping) {
      pthread_mutex_unlock(&p->mu);
      break;
    }
    uint32_t k = 0;
    for (int i = 0; i < n; i++) {
      if (ev[i].data.u64 == WAKE_KEY) continue;
      p->keys[k] = ev[i].data.u64;
      p->events[k] = bits_of(ev[i].events);
      k++;
    }
    p->count = k;
    p->delivered = false;
    pthread_mutex_unlock(&p->mu);
    if (k == 0) continue;
    if (napi_call_threadsafe_function(p->tsfn, NULL, napi_tsfn_nonblocking) != napi_ok) break;
    pthread_mutex_lock(&p->mu);
    while (!p->delivered && !p->stopping) pthread_cond_wait(&p->cv, &p->mu);
    bool stop = p->stopping;
    pthread_mutex_unlock(&p->mu);
    if (stop) break;
  }
  return NULL;
}

/* On the JS thread.  env is NULL when the function is being torn down. */
static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  bs_poller *p = context;
  if (env == NULL || p->stopped) return;
  pthread_mutex_lock(&p->mu);
  uint32_t n = p->count;
  pthread_mutex_unlock(&p->mu);
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) == napi_ok) {
    p->deliver(p->ctx, p->keys, p->events, n);
    napi_close_handle_scope(env, scope);
  }
  /* deliver may have run the environment's teardown (destroy joined the
   * thread already); p itself lives until the finalizer. */
  if (p->stopped) return;
  pthread_mutex_lock(&p->mu);
  p->delivered = true;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

static void finalize(napi_env env, void *data, void *hint) {
  bs_poller *p = data;
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p);
}

/* The thread blocks every signal: they are the runtime's to handle, on its own threads. */
static int start_thread(bs_poller *p) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int e = pthread_create(&p->thread, NULL, run, p);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return e;
}

int bs_poller_create(napi_env env, bs_poller_deliver deliver, void *ctx, bs_poller **out) {
  bs_poller *p = calloc(1, sizeof *p);
  if (p == NULL) return ENOMEM;
  p->env = env;
  p->deliver = deliver;
  p->ctx = ctx;
  p->epfd = epoll_create1(EPOLL_CLOEXEC);
  p->wakefd = p->epfd < 0 ? -1 : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  struct epoll_event wake = {.events = EPOLLIN, .data.u64 = WAKE_KEY};
  if (p->epfd < 0 || p->wakefd < 0 || epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wakefd, &wake) < 0) {
    int e = errno;
    if (p->wakefd >= 0) close(p->wakefd);
    if (p->epfd >= 0) close(p->epfd);
    free(p);
    return e;
  }
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  napi_value name;
  int e = 0;
  if (napi_create_string_utf8(env, "bsd-socket.poller", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, p, finalize, p, call_js, &p->tsfn) != napi_ok) {
    e = EINVAL;
  } else if (napi_unref_threadsafe_function(env, p->tsfn) != napi_ok || (e = start_thread(p)) != 0) {
    if (e == 0) e = EINVAL;
    close(p->wakefd);
    close(p->epfd);
    p->stopped = true;
    /* The finalizer frees p. */
    napi_release_threadsafe_function(p->tsfn, napi_tsfn_abort);
    return e;
  }
  if (e != 0) {
    close(p->wakefd);
    close(p->epfd);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return e;
  }
  *out = p;
  return 0;
}

int bs_poller_watch(bs_poller *p, int fd, uint64_t key, bool registered, int events) {
  if (events == 0) {
    /* A descriptor already closed has left the set (or can no longer be
     * named): nothing is left to stop. */
    if (registered) (void)epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, NULL);
    return 0;
  }
  struct epoll_event ev = {
      .events = EPOLLONESHOT | ((events & BS_POLL_READABLE) ? EPOLLIN : 0) | ((events & BS_POLL_WRITABLE) ? EPOLLOUT : 0),
      .data.u64 = key,
  };
  int op = registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(p->epfd, op, fd, &ev) == 0) return 0;
  int e = errno;
  /* ADD meeting an entry left by an earlier watcher of the same file: take it over. */
  if (op == EPOLL_CTL_ADD && e == EEXIST && epoll_ctl(p->epfd, EPOLL_CTL_MOD, fd, &ev) == 0) return 0;
  /* MOD finding no entry: the number now names another file (the watched one
   * was closed behind the library's back). */
  return e == ENOENT ? -EBADF : -e;
}

void bs_poller_ref(bs_poller *p, bool on) {
  if (p->stopped || on == p->refd) return;
  if (on) napi_ref_threadsafe_function(p->env, p->tsfn);
  else napi_unref_threadsafe_function(p->env, p->tsfn);
  p->refd = on;
}

void bs_poller_destroy(bs_poller *p) {
  if (p->stopped) return;
  pthread_mutex_lock(&p->mu);
  p->stopping = true;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
  uint64_t one = 1;
  while (write(p->wakefd, &one, sizeof one) < 0 && errno == EINTR) {
  }
  pthread_join(p->thread, NULL);
  close(p->wakefd);
  close(p->epfd);
  p->stopped = true;
  napi_release_threadsafe_function(p->tsfn, napi_tsfn_abort);
}

#else /* no epoll: the twins need libuv here */

int bs_poller_create(napi_env env, bs_poller_deliver deliver, void *ctx, bs_poller **out) {
  return ENOSYS;
}
int bs_poller_watch(bs_poller *p, int fd, uint64_t key, bool registered, int events) {
  return -ENOSYS;
}
void bs_poller_ref(bs_poller *p, bool on) {
}
void bs_poller_destroy(bs_poller *p) {
}

#endif
