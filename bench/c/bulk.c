/*
 * Bulk TCP throughput over loopback: the C reference.
 *
 *   bulk BYTES
 *
 * The parent listens on 127.0.0.1:0 and forks; the child connects and sends
 * BYTES from one 256 KiB buffer with send(); the parent receives with recv()
 * into one reused 256 KiB buffer until EOF, timing from the first byte to
 * EOF, and prints one JSON line with GB/s (10^9 bytes per second).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static void die(const char *what) {
    fprintf(stderr, "bulk: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: bulk BYTES\n"); return 2; }
    long long total = atoll(argv[1]);
    if (total <= 0) { fprintf(stderr, "bulk: bad byte count\n"); return 2; }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0) die("socket");
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(l, (struct sockaddr *)&sa, sl) < 0 || listen(l, 1) < 0) die("bind/listen");
    if (getsockname(l, (struct sockaddr *)&sa, &sl) < 0) die("getsockname");
    static char buf[CHUNK];
    memset(buf, 'x', sizeof buf);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(l);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
        long long sent = 0;
        while (sent < total) {
            long long left = total - sent;
            ssize_t r = send(c, buf, left < CHUNK ? (size_t)left : CHUNK, 0);
            if (r < 0) { if (errno == EINTR) continue; die("send"); }
            sent += r;
        }
        close(c);
        _exit(0);
    }
    int fd = accept(l, NULL, NULL);
    if (fd < 0) die("accept");
    close(l);
    long long got = 0;
    double t0 = 0;
    for (;;) {
        ssize_t r = recv(fd, buf, CHUNK, 0);
        if (r < 0) { if (errno == EINTR) continue; die("recv"); }
        if (r == 0) break;
        if (got == 0) t0 = now();
        got += r;
    }
    double t1 = now();
    int st;
    if (waitpid(pid, &st, 0) < 0) die("waitpid");
    if (got != total) { fprintf(stderr, "bulk: received %lld of %lld\n", got, total); return 1; }
    double secs = t1 - t0;
    printf("{\"workload\":\"bulk-tcp\",\"driver\":\"c\",\"rounds\":%lld,\"seconds\":%.6f,"
           "\"metrics\":{\"GB/s\":%.3f}}\n", total, secs, (double)total / secs / 1e9);
    return 0;
}
