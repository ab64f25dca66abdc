/*
 * 1-byte ping-pong between two processes: the C reference.
 *
 *   pingpong unix|tcp ROUNDS [WARMUP]
 *
 * unix: socketpair(AF_UNIX, SOCK_STREAM), fork; the child echoes.
 * tcp:  the parent listens on 127.0.0.1:0, forks; the child connects, both set
 *       TCP_NODELAY, the child echoes.
 * The parent sends 1 byte and waits for it to come back, WARMUP times, then
 * ROUNDS times between two clock_gettime(CLOCK_MONOTONIC) readings, and prints
 * one JSON line.  Blocking send/recv only: four system calls per round trip.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "pingpong: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void nodelay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt TCP_NODELAY");
}

/* Echo until EOF, at most `limit` bytes (every loop is bounded). */
static void echo(int fd, long limit) {
    char b;
    for (long i = 0; i < limit; i++) {
        ssize_t n = recv(fd, &b, 1, 0);
        if (n == 0) return;
        if (n < 0) { if (errno == EINTR) { i--; continue; } die("child recv"); }
        if (send(fd, &b, 1, 0) != 1) die("child send");
    }
}

static void ping(int fd, long rounds) {
    char b = 'x';
    for (long i = 0; i < rounds; i++) {
        if (send(fd, &b, 1, 0) != 1) die("send");
        ssize_t n = recv(fd, &b, 1, 0);
        if (n != 1) { if (n == 0) errno = ECONNRESET; die("recv"); }
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: pingpong unix|tcp ROUNDS [WARMUP]\n"); return 2; }
    int tcp = strcmp(argv[1], "tcp") == 0;
    if (!tcp && strcmp(argv[1], "unix") != 0) { fprintf(stderr, "pingpong: unknown mode %s\n", argv[1]); return 2; }
    long rounds = atol(argv[2]);
    long warmup = argc > 3 ? atol(argv[3]) : 1000;
    if (rounds <= 0 || warmup < 0) { fprintf(stderr, "pingpong: bad counts\n"); return 2; }
    long limit = rounds + warmup;

    int fd; /* the parent's end */
    pid_t pid;
    if (!tcp) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) die("socketpair");
        pid = fork();
        if (pid < 0) die("fork");
        if (pid == 0) { close(sv[0]); echo(sv[1], limit); _exit(0); }
        close(sv[1]);
        fd = sv[0];
    } else {
        int lfd = socket(AF_INET, SOCK_STREAM, 0);
        if (lfd < 0) die("socket");
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = 0;
        socklen_t sl = sizeof sa;
        if (bind(lfd, (struct sockaddr *)&sa, sl) < 0) die("bind");
        if (listen(lfd, 1) < 0) die("listen");
        if (getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) die("getsockname");
        pid = fork();
        if (pid < 0) die("fork");
        if (pid == 0) {
            close(lfd);
            int c = socket(AF_INET, SOCK_STREAM, 0);
            if (c < 0) die("child socket");
            if (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0) die("child connect");
            nodelay(c);
            echo(c, limit);
            _exit(0);
        }
        fd = accept(lfd, NULL, NULL);
        if (fd < 0) die("accept");
        close(lfd);
        nodelay(fd);
    }

    ping(fd, warmup);
    double t0 = now();
    ping(fd, rounds);
    double t1 = now();
    close(fd);
    int st;
    if (waitpid(pid, &st, 0) < 0) die("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "pingpong: echo child failed\n"); return 1; }

    double secs = t1 - t0;
    printf("{\"workload\":\"pingpong-%s\",\"driver\":\"c\",\"rounds\":%ld,\"seconds\":%.6f,"
           "\"metrics\":{\"rt/s\":%.1f}}\n",
           argv[1], rounds, secs, (double)rounds / secs);
    return 0;
}
