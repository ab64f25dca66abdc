/* The thread poller (poller.c): readiness for the Promise twins with
 * Node-API only, for runtimes whose Node-API has no libuv (Bun, Deno).
 * reactor.c uses it in place of uv_poll_t when reactor_init is asked to. */
#ifndef BS_POLLER_H
#define BS_POLLER_H

#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>

/* Event bits, the same values as libuv's UV_READABLE and UV_WRITABLE. */
#define BS_POLL_READABLE 1
#define BS_POLL_WRITABLE 2

typedef struct bs_poller bs_poller;

/* Called on the JS thread, in a handle scope, with the reports of one
 * epoll_wait: keys[i] as given to bs_poller_watch, events[i] the event
 * bits.  Every reported descriptor is disabled (one-shot) until it is
 * watched again. */
typedef void (*bs_poller_deliver)(void *ctx, const uint64_t *keys, const int32_t *events, uint32_t n);

/* Starts the poller thread of this environment.  Returns 0, or an errno
 * (ENOSYS where the platform has no epoll).  The poller does not keep the
 * event loop alive until bs_poller_ref(p, true). */
int bs_poller_create(napi_env env, bs_poller_deliver deliver, void *ctx, bs_poller **out);

/* Watches fd for `events` (0 stops), reported with `key`.  `registered` says
 * whether fd is in the poller's set now (a previous call with events != 0
 * and no stop since).  Returns 0 or -errno (EBADF: fd is closed). */
int bs_poller_watch(bs_poller *p, int fd, uint64_t key, bool registered, int events);

/* Whether the poller keeps the event loop alive (napi_ref/unref_threadsafe_function). */
void bs_poller_ref(bs_poller *p, bool on);

/* On the JS thread: stops and joins the thread, closes its descriptors and
 * releases the threadsafe function.  No deliver call happens after this
 * returns; the memory goes with the threadsafe function's finalizer. */
void bs_poller_destroy(bs_poller *p);

#endif
