/*
 * 1-byte ping-pong with both ends in one thread on one epoll instance: the
 * floor of pingpong-async (what an event loop can do with these syscalls).
 *
 *   pingpong-epoll unix|tcp ROUNDS [WARMUP]
 *
 * unix: socketpair(AF_UNIX, SOCK_STREAM); tcp: 127.0.0.1 listener, connect,
 * accept, TCP_NODELAY on both.  Both ends are non-blocking and registered
 * once (EPOLLIN).  Per round trip: send(a), epoll_wait, recv(b), send(b),
 * epoll_wait, recv(a): six system calls, as node-net-1proc does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "pingpong-epoll: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nodelay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("TCP_NODELAY");
}

static void make_pair(int tcp, int fds[2]) {
    if (!tcp) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) < 0) die("socketpair");
        return;
    }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0) die("socket");
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) die("bind/listen");
    if (getsockname(l, (struct sockaddr *)&sa, &len) < 0) die("getsockname");
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
    fds[1] = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    if (fds[1] < 0) die("accept");
    close(l);
    int fl = fcntl(fds[0], F_GETFL);
    if (fl < 0 || fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl");
    nodelay(fds[0]);
    nodelay(fds[1]);
}

/* Waits until `fd` is readable (it is the only thing that can become ready). */
static void wait_readable(int ep, int fd) {
    struct epoll_event ev[2];
    for (int tries = 0; tries < 1000000; tries++) {
        int n = epoll_wait(ep, ev, 2, 5000);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        if (n == 0) { errno = ETIMEDOUT; die("epoll_wait timed out"); }
        for (int i = 0; i < n; i++) if (ev[i].data.fd == fd) return;
    }
    errno = EIO;
    die("wait_readable");
}

static void hop(int ep, int from, int to, char *b) {
    if (send(from, b, 1, 0) != 1) die("send");
    wait_readable(ep, to);
    if (recv(to, b, 1, 0) != 1) die("recv");
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: pingpong-epoll unix|tcp ROUNDS [WARMUP]\n"); return 2; }
    int tcp = strcmp(argv[1], "tcp") == 0;
    long rounds = atol(argv[2]);
    long warmup = argc > 3 ? atol(argv[3]) : 1000;
    int fds[2];
    make_pair(tcp, fds);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < 2; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
    }
    char b = 'x';
    for (long i = 0; i < warmup; i++) { hop(ep, fds[0], fds[1], &b); hop(ep, fds[1], fds[0], &b); }
    double t0 = now();
    for (long i = 0; i < rounds; i++) { hop(ep, fds[0], fds[1], &b); hop(ep, fds[1], fds[0], &b); }
    double secs = now() - t0;
    printf("{\"workload\":\"pingpong-async-%s\",\"driver\":\"c-epoll\",\"rounds\":%ld,\"seconds\":%.6f,"
           "\"metrics\":{\"rt/s\":%.1f}}\n", tcp ? "tcp" : "unix", rounds, secs, (double)rounds / secs);
    return 0;
}
