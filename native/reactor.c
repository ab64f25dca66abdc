/* Readiness for the Promise twins: one uv_poll_t per socket on the
 * environment's own loop (napi_get_uv_event_loop, never the default loop),
 * or, where the runtime's Node-API has no libuv (Bun, Deno) or JS asks for
 * it, the thread poller of poller.c ("thread mode").
 *
 * The design, and why (docs/async.md has the user-facing contract):
 *  - A reactor per environment, made by reactor_init(dispatch, queue, control) and
 *    owned by src/async/reactor.ts.  Its functions are created with the
 *    reactor as their data pointer, so there is no global state and no
 *    instance-data slot is taken from the other concern files.
 *  - Poll callbacks do not call JS.  They append (slot, events) to a queue
 *    the reactor shares with JS (an Int32Array), and a uv_check_t handle
 *    flushes the queue with one napi_make_callback per loop turn: one JS
 *    entry (and one microtask drain) for every socket that became ready in
 *    that turn.  A full queue is flushed at once from the poll callback.
 *  - Watchers are never referenced: an idle socket must not keep the process
 *    alive.  The check handle is referenced while JS has waiters (ref()),
 *    which is what keeps the process alive for pending twins.
 *  - arm(slot, events) only calls uv_poll_start when the mask changes:
 *    libuv's uv_poll_start re-registers the descriptor (EPOLL_CTL_DEL + ADD),
 *    the price asyncio pays per message.  JS keeps the mask while waiters
 *    come and go and disarms lazily, when an event finds no waiter.
 *  - uv_poll_init makes the descriptor non-blocking; we restore the
 *    descriptor's flags so that a blocking-mode socket keeps the one-syscall
 *    sync path (twins use MSG_DONTWAIT, or set O_NONBLOCK themselves).
 *  - Environment teardown (process exit, worker termination) closes every
 *    handle through an async cleanup hook and frees the reactor when the
 *    last close callback has run.
 *  - Thread mode keeps everything above that is not libuv's: the slots, the
 *    queue, the readiness rounds and the control array.  A poller delivery
 *    takes the place of the check handle's flush; the poller's threadsafe
 *    function holds the reference; a watcher is an epoll registration
 *    (one-shot, re-enabled after each delivery that reported it); teardown
 *    joins the poller thread and frees at once (no close callbacks).
 */
#include "bs.h"
#include "poller.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

typedef struct reactor reactor;

typedef struct {
  uv_poll_t poll;
  reactor *r;
  int32_t slot;
  int fd;
  int events; /* the mask armed in libuv: UV_READABLE | UV_WRITABLE */
  dev_t dev;  /* the file open() saw on fd: arm() refuses another one */
  ino_t ino;
  uint32_t serial;  /* thread mode: tells a report of this watcher from a stale one */
  bool registered;  /* thread mode: fd is in the poller's set */
  bool fired;       /* thread mode: reported, so disabled until re-enabled */
} watcher;

/* Readiness rounds (see flush): at most this many armed watchers are polled,
 * and at most ROUNDS_MAX rounds run before the loop gets its turn back. */
#define ROUNDS_FDS_MAX 8
#define ROUNDS_MAX 64
/* What JS answers a guess with once this loop turn's budget of guesses is
 * spent (reactor.ts, CHAIN_MAX): the rounds end and the loop takes its turn. */
#define GUESS_YIELD (-2)
/* Flushes to skip after a round that found nothing ready. */
#define ROUNDS_BACKOFF 16

struct reactor {
  napi_env env;
  uv_loop_t *loop;
  uv_check_t check;
  napi_ref dispatch;         /* JS function(count) */
  napi_ref queue_ref;        /* keeps the shared Int32Array alive */
  napi_ref control_ref;      /* Int32Array [reference wanted, in a flush] shared with JS */
  napi_async_context actx;
  int32_t *queue;            /* pairs: slot, events (or a negative uv error);
                                native memory, copied into the JS queue by
                                flush (JS may detach its own buffer) */
  uint32_t qcap;             /* capacity in pairs */
  uint32_t qlen;
  watcher **slots;
  uint32_t nslots;
  uint32_t hint;             /* where the search for a free slot starts */
  uint32_t live;             /* uv handles opened and not yet closed */
  watcher *armed[ROUNDS_FDS_MAX]; /* the armed watchers, when there are few */
  uint32_t narmed;           /* armed watchers (may exceed ROUNDS_FDS_MAX) */
  uint32_t backoff;          /* flushes left before rounds are tried again */
  double rounds;             /* rounds that found a watcher ready (stats) */
  double idle_rounds;        /* rounds that found none (stats) */
  double guesses;            /* rounds that were guesses (speculate), either way */
  bool refd;
  bool tearing_down;
  napi_async_cleanup_hook_handle cleanup;
  bs_poller *poller;         /* thread mode; NULL with libuv */
  uint32_t serial;           /* thread mode: the last watcher serial given */
  int32_t *byfd;             /* thread mode: slot + 1 of the watcher on each fd, 0 none */
  uint32_t nbyfd;
  bool delivering;           /* thread mode: in a delivery (teardown leaves the free to it) */
};

/* ---- dispatch --------------------------------------------------------- */

/* Calls dispatch(argv...) in a callback scope (microtasks drain when it
 * returns).  Returns its int32 result, or -1 when there is none. */
static int32_t call_dispatch(reactor *r, size_t argc, napi_value *argv) {
  napi_env env = r->env;
  napi_value fn, global, result;
  int32_t out = -1;
  if (napi_get_reference_value(env, r->dispatch, &fn) != napi_ok || fn == NULL ||
      napi_get_global(env, &global) != napi_ok)
    return -1;
  napi_status st = napi_make_callback(env, r->actx, global, fn, argc, argv, &result);
  if (st == napi_pending_exception) {
    /* dispatch never throws by design; if it does, report it as Node
     * reports an exception thrown from any other I/O callback. */
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  } else if (st == napi_ok && napi_get_value_int32(env, result, &out) != napi_ok) {
    out = -1;
  }
  return out;
}

/* What dispatch answers, with the poller thread, for reports it holds until
 * the loop has had a turn (reactor.ts, deliver): their watchers stay quiet
 * until resume(). */
#define DISPATCH_HELD (-3)

/* Returns dispatch's answer (-1 when there was none). */
static int32_t dispatch_queue(reactor *r) {
  if (r->qlen == 0 || r->tearing_down) return -1;
  uint32_t n = r->qlen;
  r->qlen = 0;
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return -1;
  /* The JS queue's memory is looked up now: JS may have detached it since
   * reactor_init.  A queue that no longer holds n pairs gets no dispatch.
   * A single report (the common case of readiness rounds) travels as two
   * arguments instead: dispatch(1, slot, events). */
  napi_value argv[3], jsq;
  size_t argc = 1;
  bool ok = true;
  if (n == 1) {
    argc = 3;
    ok = napi_create_int32(env, r->queue[0], &argv[1]) == napi_ok &&
         napi_create_int32(env, r->queue[1], &argv[2]) == napi_ok;
  } else {
    void *qdata = NULL;
    size_t qlen = 0;
    napi_typedarray_type qt;
    ok = napi_get_reference_value(env, r->queue_ref, &jsq) == napi_ok && jsq != NULL &&
         napi_get_typedarray_info(env, jsq, &qt, &qlen, &qdata, NULL, NULL) == napi_ok &&
         qt == napi_int32_array && qlen >= 2 * (size_t)n && qdata != NULL;
    if (ok) memcpy(qdata, r->queue, 2 * (size_t)n * sizeof(int32_t));
  }
  int32_t answer = -1;
  if (ok && napi_create_uint32(env, n, &argv[0]) == napi_ok) answer = call_dispatch(r, argc, argv);
  napi_close_handle_scope(env, scope);
  return answer;
}

/* A guessed readiness round: dispatch(0) asks JS to retry the reads of the
 * one socket likely to be readable now (see reactor.ts, speculate()).
 * Returns how many waiters settled, 0 for a guess that found nothing (it
 * cost one failed read instead of one poll(2)), -1 when JS had no single
 * candidate (the round is then a poll(2) round), GUESS_YIELD when this loop
 * turn has had its share.  A guess that settles a read also chains the next
 * guess in a microtask (reactor.ts), so most hops of a ping-pong take no
 * call from here at all. */
static int32_t speculate(reactor *r) {
  napi_handle_scope scope;
  if (r->tearing_down || napi_open_handle_scope(r->env, &scope) != napi_ok) return -1;
  napi_value argv[1];
  int32_t got = napi_create_uint32(r->env, 0, &argv[0]) == napi_ok ? call_dispatch(r, 1, argv) : -1;
  napi_close_handle_scope(r->env, scope);
  return got;
}

/* Queues one readiness report; a full queue is dispatched at once. */
static void push_event(reactor *r, int32_t slot, int32_t events) {
  r->queue[2 * r->qlen] = slot;
  r->queue[2 * r->qlen + 1] = events;
  if (++r->qlen == r->qcap) (void)dispatch_queue(r);
}

/* Holds the loop alive (the check handle referenced) or not. */
static void apply_ref(reactor *r, bool on) {
  if (on == r->refd || r->tearing_down) return;
  if (r->poller != NULL) bs_poller_ref(r->poller, on);
  else if (on) uv_ref((uv_handle_t *)&r->check);
  else uv_unref((uv_handle_t *)&r->check);
  r->refd = on;
}

/* The control array JS shares: [0] whether a twin is pending (the reference
 * wanted), [1] 1 while a flush runs.  During a flush JS only writes [0]
 * (a ping-pong's waiter count touches 0 at every hop, and a call to ref()
 * each way would cost more than the hop's own work); the flush applies the
 * last value when it ends.  NULL if JS detached it. */
static int32_t *control_of(reactor *r) {
  napi_value v;
  napi_typedarray_type t;
  size_t len = 0;
  void *data = NULL;
  if (napi_get_reference_value(r->env, r->control_ref, &v) != napi_ok || v == NULL ||
      napi_get_typedarray_info(r->env, v, &t, &len, &data, NULL, NULL) != napi_ok ||
      t != napi_int32_array || len < 2 || data == NULL)
    return NULL;
  return data;
}

static void mark_flush(reactor *r, bool running) {
  napi_handle_scope scope;
  if (napi_open_handle_scope(r->env, &scope) != napi_ok) return;
  int32_t *ctl = control_of(r);
  if (ctl != NULL) {
    ctl[1] = running ? 1 : 0;
    if (!running) apply_ref(r, ctl[0] != 0);
  }
  napi_close_handle_scope(r->env, scope);
}

/* One readiness round: poll(2) with a zero timeout on the armed watchers,
 * their reports queued as libuv's would be.  Returns how many were ready; 0
 * when there are too many watchers to poll cheaply. */
static int poll_round(reactor *r) {
  uint32_t n = r->narmed;
  if (n == 0 || n > ROUNDS_FDS_MAX) return 0;
  struct pollfd p[ROUNDS_FDS_MAX];
  int32_t slot[ROUNDS_FDS_MAX];
  for (uint32_t i = 0; i < n; i++) {
    watcher *w = r->armed[i];
    p[i].fd = w->fd;
    p[i].events = (short)(((w->events & UV_READABLE) ? POLLIN : 0) | ((w->events & UV_WRITABLE) ? POLLOUT : 0));
    p[i].revents = 0;
    slot[i] = w->slot;
  }
  int ready = poll(p, n, 0);
  if (ready <= 0) return 0;
  for (uint32_t i = 0; i < n; i++) {
    short re = p[i].revents;
    if (re == 0 || (re & POLLNVAL)) continue;
    int ev = 0;
    if (re & (POLLIN | POLLERR | POLLHUP)) ev |= UV_READABLE;
    if (re & (POLLOUT | POLLERR | POLLHUP)) ev |= UV_WRITABLE;
    push_event(r, slot[i], ev);
  }
  return ready;
}

/* Dispatches the queued reports, then runs readiness rounds: once JS has
 * run (and drained its microtasks), a socket it wrote to in this thread, the
 * other end of a pair in one loop say, is often readable already.  A round
 * answers it without a whole loop turn (timers, Node's immediates,
 * epoll_wait and a new callback scope per hop).
 *
 * A round first guesses: when exactly one socket has a read waiting besides
 * those just woken, JS retries that read at once (one recv instead of a
 * poll(2) and then the recv: two system calls per hop of a ping-pong
 * instead of three).  Otherwise it polls the few armed watchers.  A round
 * that finds nothing costs one system call, so after one the rounds rest
 * for ROUNDS_BACKOFF flushes; once JS declines to guess, the rest of the
 * flush polls.  With more than ROUNDS_FDS_MAX watchers armed there are no
 * rounds (a busy server gets its batching from epoll). */
static void flush(reactor *r) {
  if (r->qlen == 0) return; /* a loop turn that reported nothing: no rounds */
  mark_flush(r, true);
  (void)dispatch_queue(r);
  bool guess = true; /* until JS declines, for the rest of this flush */
  for (int round = 0; round < ROUNDS_MAX && !r->tearing_down; round++) {
    if (r->backoff > 0) {
      r->backoff--;
      break;
    }
    if (r->narmed == 0 || r->narmed > ROUNDS_FDS_MAX) break;
    int32_t got = -1;
    if (guess) {
      got = speculate(r);
      if (got == GUESS_YIELD) break;
      if (got < 0) guess = false;
      else r->guesses++;
    }
    if (got < 0) {
      got = poll_round(r);
      if (got > 0) (void)dispatch_queue(r);
    }
    if (got == 0) {
      r->idle_rounds++;
      r->backoff = ROUNDS_BACKOFF;
      break;
    }
    r->rounds++;
  }
  mark_flush(r, false);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  watcher *w = h->data;
  reactor *r = w->r;
  if (r->tearing_down) return;
  push_event(r, w->slot, status < 0 ? status : (events & (UV_READABLE | UV_WRITABLE)));
}

static void on_check(uv_check_t *h) {
  flush(h->data);
}

/* ---- teardown --------------------------------------------------------- */

static void maybe_free(reactor *r) {
  if (!r->tearing_down || r->live > 0) return;
  napi_async_cleanup_hook_handle h = r->cleanup;
  bool thread = r->poller != NULL;
  free(r->byfd);
  free(r->queue);
  free(r->slots);
  free(r);
  if (!thread) napi_remove_async_cleanup_hook(h);
}

/* References are the addon's to delete: the environment only unlinks the
 * ones left, and their memory leaks. Called once no JS will be called. */
static void release_js(reactor *r) {
  napi_delete_reference(r->env, r->dispatch);
  napi_delete_reference(r->env, r->queue_ref);
  napi_delete_reference(r->env, r->control_ref);
  napi_async_destroy(r->env, r->actx);
}

/* Thread mode: the poller is gone and no watcher is left. */
static void free_thread_mode(reactor *r) {
  release_js(r);
  r->live = 0;
  maybe_free(r);
}

static void on_watcher_closed(uv_handle_t *h) {
  watcher *w = h->data;
  reactor *r = w->r;
  free(w);
  r->live--;
  maybe_free(r);
}

static void on_check_closed(uv_handle_t *h) {
  reactor *r = h->data;
  r->live--;
  maybe_free(r);
}

/* Sets a watcher's armed mask and keeps reactor.armed listing the armed
 * watchers while there are few (arming changes rarely: JS disarms lazily). */
static void set_armed(reactor *r, watcher *w, int events) {
  bool was = w->events != 0, is = events != 0;
  w->events = events;
  if (was == is) return;
  r->narmed += is ? 1 : -1;
  if (r->narmed > ROUNDS_FDS_MAX) return;
  uint32_t k = 0;
  for (uint32_t i = 0; i < r->nslots && k < r->narmed; i++) {
    watcher *x = r->slots[i];
    if (x != NULL && x->events != 0) r->armed[k++] = x;
  }
}

static uint64_t key_of(const watcher *w) {
  return ((uint64_t)w->serial << 32) | (uint32_t)w->slot;
}

/* The watcher a poller report names, or NULL if it closed since. */
static watcher *watcher_of_key(reactor *r, uint64_t key) {
  uint32_t slot = (uint32_t)key;
  if (slot >= r->nslots) return NULL;
  watcher *w = r->slots[slot];
  return w != NULL && w->serial == (uint32_t)(key >> 32) ? w : NULL;
}

/* Thread mode: enables again a watcher whose one-shot registration fired, if
 * it is still armed; a failure is reported as libuv reports a poll error. */
static void rewatch(reactor *r, watcher *w) {
  if (!w->fired) return;
  w->fired = false;
  if (!w->registered) return;
  int err = bs_poller_watch(r->poller, w->fd, key_of(w), true, w->events);
  if (err < 0) push_event(r, w->slot, err);
}

/* Thread mode's flush: the poller's reports of one epoll_wait, then the
 * rounds, then the reported watchers still armed are enabled again (a
 * failure there wakes their waiters with the error, as libuv's status). */
static void on_deliver(void *ctx, const uint64_t *keys, const int32_t *events, uint32_t n) {
  reactor *r = ctx;
  if (r->tearing_down) return;
  r->delivering = true;
  for (uint32_t i = 0; i < n && !r->tearing_down; i++) {
    watcher *w = watcher_of_key(r, keys[i]);
    if (w == NULL || !w->registered) continue;
    w->fired = true;
    if ((events[i] & w->events) != 0) push_event(r, w->slot, events[i] & w->events);
  }
  /* No readiness rounds here: a delivery runs inside the runtime's own
   * callback scope, so the woken twins' continuations only run after it
   * returns; JS chains its guesses in microtasks instead (reactor.ts). */
  int32_t answer = -1;
  if (r->qlen > 0) {
    mark_flush(r, true);
    answer = dispatch_queue(r);
    mark_flush(r, false);
  }
  if (answer != DISPATCH_HELD) {
    for (uint32_t i = 0; i < n && !r->tearing_down; i++) {
      watcher *w = watcher_of_key(r, keys[i]);
      if (w != NULL) rewatch(r, w);
    }
    (void)dispatch_queue(r);
  }
  r->delivering = false;
  if (r->tearing_down) free_thread_mode(r);
}

static void close_watcher(reactor *r, watcher *w) {
  set_armed(r, w, 0);
  r->slots[w->slot] = NULL;
  if (w->slot < (int32_t)r->hint) r->hint = (uint32_t)w->slot;
  if (r->poller != NULL) {
    /* epoll_ctl is synchronous: the descriptor may be closed next. */
    if (w->registered) (void)bs_poller_watch(r->poller, w->fd, key_of(w), true, 0);
    if ((uint32_t)w->fd < r->nbyfd && r->byfd[w->fd] == w->slot + 1) r->byfd[w->fd] = 0;
    free(w);
    return;
  }
  /* uv_close stops the watcher now (the descriptor leaves epoll at once), so
   * the caller may close the descriptor right after this returns. */
  uv_close((uv_handle_t *)&w->poll, on_watcher_closed);
}

/* Thread mode's environment cleanup hook: there is nothing to wait for, so
 * it is a plain one (under Deno, removing an async hook from inside itself
 * ended in a double free). */
static void teardown_thread_mode(void *arg) {
  reactor *r = arg;
  r->tearing_down = true;
  bs_poller_destroy(r->poller); /* joins the thread, closes its epoll set */
  for (uint32_t i = 0; i < r->nslots; i++) {
    free(r->slots[i]);
    r->slots[i] = NULL;
  }
  if (!r->delivering) free_thread_mode(r);
}

static void teardown(napi_async_cleanup_hook_handle handle, void *arg) {
  reactor *r = arg;
  r->tearing_down = true;
  r->cleanup = handle;
  /* No JS is called from here on. */
  release_js(r);
  for (uint32_t i = 0; i < r->nslots; i++) {
    if (r->slots[i] != NULL) close_watcher(r, r->slots[i]);
  }
  uv_close((uv_handle_t *)&r->check, on_check_closed);
}

/* ---- functions bound to one reactor ---------------------------------- */

static reactor *self(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, NULL, &data) != napi_ok) return NULL;
  return data;
}

static watcher *slot_of(napi_env env, reactor *r, napi_value v) {
  int32_t slot;
  if (!bs_get_i32(env, v, &slot)) return NULL;
  if (slot < 0 || (uint32_t)slot >= r->nslots || r->slots[slot] == NULL) {
    napi_throw_range_error(env, NULL, "native: no such watcher");
    return NULL;
  }
  return r->slots[slot];
}

/* open(fd) -> slot | -errno.  The watcher starts disarmed and unreferenced. */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  reactor *r = self(env, info, &argc, argv);
  int fd;
  if (r == NULL || argc < 1 || !bs_get_fd(env, argv[0], &fd)) return NULL;
  if (r->tearing_down) return bs_int(env, -EBADF);
  uint32_t i = r->hint;
  while (i < r->nslots && r->slots[i] != NULL) i++;
  if (i == r->nslots) {
    uint32_t n = r->nslots == 0 ? 64 : r->nslots * 2;
    if (n > INT32_MAX / 2) return bs_int(env, -ENOMEM);
    watcher **s = realloc(r->slots, n * sizeof *s);
    if (s == NULL) return bs_int(env, -ENOMEM);
    memset(s + r->nslots, 0, (n - r->nslots) * sizeof *s);
    r->slots = s;
    r->nslots = n;
  }
  watcher *w = calloc(1, sizeof *w);
  if (w == NULL) return bs_int(env, -ENOMEM);
  int flags = fcntl(fd, F_GETFL);
  struct stat st;
  if (flags < 0 || fstat(fd, &st) < 0) {
    int e = errno;
    free(w);
    return bs_int(env, -e);
  }
  w->dev = st.st_dev;
  w->ino = st.st_ino;
  if (r->poller != NULL) {
    /* One watcher per descriptor, as libuv's uv_poll_init has it. */
    if ((uint32_t)fd < r->nbyfd && r->byfd[fd] != 0) {
      free(w);
      return bs_int(env, -EEXIST);
    }
    if ((uint32_t)fd >= r->nbyfd) {
      uint32_t n = r->nbyfd == 0 ? 64 : r->nbyfd;
      while (n <= (uint32_t)fd) n *= 2;
      int32_t *b = realloc(r->byfd, (size_t)n * sizeof *b);
      if (b == NULL) {
        free(w);
        return bs_int(env, -ENOMEM);
      }
      memset(b + r->nbyfd, 0, (size_t)(n - r->nbyfd) * sizeof *b);
      r->byfd = b;
      r->nbyfd = n;
    }
    r->byfd[fd] = (int32_t)i + 1;
    w->r = r;
    w->slot = (int32_t)i;
    w->fd = fd;
    w->serial = ++r->serial;
    r->slots[i] = w;
    r->hint = i + 1;
    return bs_int(env, (int64_t)i);
  }
  int err = uv_poll_init_socket(r->loop, &w->poll, fd);
  if (err != 0) {
    free(w);
    return bs_int(env, err); /* uv errors are -errno on Unix */
  }
  if (!(flags & O_NONBLOCK)) (void)fcntl(fd, F_SETFL, flags);
  w->poll.data = w;
  w->r = r;
  w->slot = (int32_t)i;
  w->fd = fd;
  uv_unref((uv_handle_t *)&w->poll);
  r->slots[i] = w;
  r->hint = i + 1;
  r->live++;
  return bs_int(env, (int64_t)i);
}

/* arm(slot, events) -> 0 | -errno: UV_READABLE (1) | UV_WRITABLE (2); 0 stops. */
static napi_value js_arm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  reactor *r = self(env, info, &argc, argv);
  if (r == NULL || argc < 2) return NULL;
  watcher *w = slot_of(env, r, argv[0]);
  int32_t events;
  if (w == NULL || !bs_get_i32(env, argv[1], &events)) return NULL;
  events &= UV_READABLE | UV_WRITABLE;
  if (events == w->events) return bs_int(env, 0);
  /* uv_poll_start only queues the change: libuv's epoll_ctl runs in the next
   * loop iteration and abort()s if the descriptor is closed (EBADF) or is now
   * another file (ENOENT). So check here that fd is still the file open() saw;
   * stopping is always safe (libuv ignores errors of EPOLL_CTL_DEL). */
  if (events != 0) {
    struct stat st;
    if (fstat(w->fd, &st) < 0 || st.st_dev != w->dev || st.st_ino != w->ino) return bs_int(env, -EBADF);
  }
  int err;
  if (r->poller != NULL) {
    err = bs_poller_watch(r->poller, w->fd, key_of(w), w->registered, events);
    if (err == 0) {
      w->registered = events != 0;
      w->fired = false;
    }
  } else {
    err = events == 0 ? uv_poll_stop(&w->poll) : uv_poll_start(&w->poll, events, on_poll);
  }
  if (err == 0) set_armed(r, w, events);
  return bs_int(env, err);
}

/* close(slot): stops and closes the watcher; the descriptor may be closed next. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  reactor *r = self(env, info, &argc, argv);
  if (r == NULL || argc < 1) return NULL;
  watcher *w = slot_of(env, r, argv[0]);
  if (w == NULL) return NULL;
  close_watcher(r, w);
  return bs_int(env, 0);
}

/* resume(): thread mode, after dispatch held reports: watches again every
 * watcher left quiet since. */
static napi_value js_resume(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  reactor *r = self(env, info, &argc, NULL);
  if (r == NULL) return NULL;
  if (r->poller != NULL && !r->tearing_down) {
    for (uint32_t i = 0; i < r->nslots && !r->tearing_down; i++) {
      if (r->slots[i] != NULL) rewatch(r, r->slots[i]);
    }
    (void)dispatch_queue(r);
  }
  return bs_undefined(env);
}

/* ref(on): whether pending waiters keep the loop alive. */
static napi_value js_ref(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  reactor *r = self(env, info, &argc, argv);
  bool on;
  if (r == NULL || argc < 1 || !bs_get_bool(env, argv[0], &on)) return NULL;
  apply_ref(r, on);
  return bs_undefined(env);
}

/* state(slot) -> armed mask | 4 if libuv holds the watcher active | 8 if it
 * is referenced; -1 for a free slot.  For tests of the readiness contract. */
static napi_value js_state(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  reactor *r = self(env, info, &argc, argv);
  int32_t slot;
  if (r == NULL || argc < 1 || !bs_get_i32(env, argv[0], &slot)) return NULL;
  if (slot < 0 || (uint32_t)slot >= r->nslots || r->slots[slot] == NULL) return bs_int(env, -1);
  watcher *w = r->slots[slot];
  int s = w->events;
  if (r->poller != NULL) return bs_int(env, s != 0 ? s | 4 : 0); /* never referenced */
  if (uv_is_active((uv_handle_t *)&w->poll)) s |= 4;
  if (uv_has_ref((uv_handle_t *)&w->poll)) s |= 8;
  return bs_int(env, s);
}

/* stats() -> [open watchers, check handle referenced ? 1 : 0, readiness
 * rounds that found a watcher ready, rounds that found none, rounds that
 * were guesses]. */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  reactor *r = self(env, info, &argc, NULL);
  if (r == NULL) return NULL;
  uint32_t open = 0;
  for (uint32_t i = 0; i < r->nslots; i++) open += r->slots[i] != NULL;
  napi_value arr;
  napi_value rounds, idle, guesses;
  if (napi_create_array_with_length(env, 5, &arr) != napi_ok ||
      napi_create_double(env, r->guesses, &guesses) != napi_ok ||
      napi_create_double(env, r->rounds, &rounds) != napi_ok ||
      napi_create_double(env, r->idle_rounds, &idle) != napi_ok)
    return NULL;
  napi_set_element(env, arr, 0, bs_int(env, open));
  napi_set_element(env, arr, 1, bs_int(env, r->refd ? 1 : 0));
  napi_set_element(env, arr, 2, rounds);
  napi_set_element(env, arr, 3, idle);
  napi_set_element(env, arr, 4, guesses);
  return arr;
}

static bool add_fn(napi_env env, napi_value obj, const char *name, napi_callback cb, reactor *r) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, r, &fn) == napi_ok &&
         napi_set_named_property(env, obj, name, fn) == napi_ok;
}

/* The length of `v` if it is an Int32Array of at least 2 elements, else 0. */
static size_t int32_array_length(napi_env env, napi_value v) {
  bool is_ta;
  napi_typedarray_type tt;
  size_t len = 0;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &tt, &len, NULL, NULL, NULL) != napi_ok || tt != napi_int32_array)
    return 0;
  return len >= 2 ? len : 0;
}

/* reactor_init(dispatch, queue: Int32Array of even length, control: Int32Array(2),
 * thread?: boolean) -> { open, arm, close, ref, state, stats } bound to a new
 * reactor; thread true waits on the poller thread instead of libuv. */
static napi_value js_reactor_init(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) BS_THROW_TYPE(env, "native: missing argument");
  bool thread = false;
  napi_valuetype t;
  if (argc >= 4 && napi_typeof(env, argv[3], &t) == napi_ok && t != napi_undefined &&
      !bs_get_bool(env, argv[3], &thread))
    return NULL;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function)
    BS_THROW_TYPE(env, "native: dispatch must be a function");
  size_t len = int32_array_length(env, argv[1]);
  if (len == 0) BS_THROW_TYPE(env, "native: queue must be an Int32Array of at least 2 elements");
  if (int32_array_length(env, argv[2]) == 0)
    BS_THROW_TYPE(env, "native: control must be an Int32Array of at least 2 elements");

  uv_loop_t *loop = NULL;
  if (!thread && napi_get_uv_event_loop(env, &loop) != napi_ok) BS_THROW_TYPE(env, "native: no event loop");
  reactor *r = calloc(1, sizeof *r);
  if (r == NULL) BS_THROW_RANGE(env, "native: out of memory");
  r->env = env;
  r->loop = loop;
  r->qcap = (uint32_t)(len / 2);
  r->queue = malloc((size_t)r->qcap * 2 * sizeof(int32_t));
  if (r->queue == NULL) {
    free(r);
    BS_THROW_RANGE(env, "native: out of memory");
  }
  napi_value resource, name;
  if (napi_create_reference(env, argv[0], 1, &r->dispatch) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &r->queue_ref) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &r->control_ref) != napi_ok ||
      napi_create_object(env, &resource) != napi_ok ||
      napi_create_string_utf8(env, "bsd-socket.reactor", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, resource, name, &r->actx) != napi_ok) {
    if (r->dispatch) napi_delete_reference(env, r->dispatch);
    if (r->queue_ref) napi_delete_reference(env, r->queue_ref);
    if (r->control_ref) napi_delete_reference(env, r->control_ref);
    free(r->queue);
    free(r);
    return NULL;
  }
  if (thread) {
    int e = bs_poller_create(env, on_deliver, r, &r->poller);
    if (e != 0) {
      free(r->queue);
      free(r);
      char msg[160];
      snprintf(msg, sizeof msg, "native: cannot start the poller thread: %s%s", strerror(e),
               e == ENOSYS ? " (it needs epoll)" : "");
      napi_throw_error(env, NULL, msg);
      return NULL;
    }
  } else {
    uv_check_init(loop, &r->check);
    r->check.data = r;
    uv_check_start(&r->check, on_check);
    uv_unref((uv_handle_t *)&r->check);
    r->live = 1;
  }
  /* Registered after the poller's threadsafe function: hooks run in reverse
   * order, so the thread is joined before the function is torn down. */
  napi_status hooked = thread ? napi_add_env_cleanup_hook(env, teardown_thread_mode, r)
                              : napi_add_async_cleanup_hook(env, teardown, r, &r->cleanup);
  if (hooked != napi_ok) {
    napi_throw_error(env, NULL, "native: cannot register the reactor's cleanup hook");
    return NULL;
  }

  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  if (!add_fn(env, obj, "open", js_open, r) || !add_fn(env, obj, "arm", js_arm, r) ||
      !add_fn(env, obj, "close", js_close, r) || !add_fn(env, obj, "ref", js_ref, r) ||
      !add_fn(env, obj, "state", js_state, r) || !add_fn(env, obj, "stats", js_stats, r) ||
      !add_fn(env, obj, "resume", js_resume, r))
    return NULL;
  return obj;
}

void bs_register_reactor(napi_env env, napi_value exports) {
  bs_export(env, exports, "reactor_init", js_reactor_init);
}
