/*
 * UDP packets per second over loopback: the C reference.
 *
 *   udp plain|mmsg COUNT [SIZE=64] [RCVBUF]
 *
 * The parent binds the receiving socket on 127.0.0.1:0 and forks; the child
 * receives (plain: recv() into one buffer; mmsg: recvmmsg() of up to 64 with
 * MSG_WAITFORONE) until COUNT datagrams or 300 ms of silence (SO_RCVTIMEO),
 * and reports its count and its first-to-last-datagram time through a pipe.
 * The parent waits for the child's "ready" byte, then sends COUNT datagrams
 * of SIZE bytes flat out (plain: sendto(); mmsg: sendmmsg() of 64), and
 * prints one JSON line: sent-pps, recv-pps and loss-%.  RCVBUF, when given and
 * not 0, is set as the receiving socket's SO_RCVBUF before the fork.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static void die(const char *what) {
    fprintf(stderr, "udp: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct report { long count; double seconds; };

static void receiver(int fd, int mmsg, long count, int out) {
    struct timeval tv = { 0, 300000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) die("SO_RCVTIMEO");
    static char bufs[BATCH][2048];
    struct mmsghdr mm[BATCH];
    struct iovec iov[BATCH];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = sizeof bufs[i];
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    char ready = 'r';
    if (write(out, &ready, 1) != 1) die("write ready");
    long got = 0;
    double t0 = 0, t1 = 0;
    while (got < count) {
        long n;
        if (mmsg) {
            int r = recvmmsg(fd, mm, BATCH, MSG_WAITFORONE, NULL);
            n = r;
        } else {
            ssize_t r = recv(fd, bufs[0], sizeof bufs[0], 0);
            n = r < 0 ? -1 : 1;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break; /* 300 ms of silence */
            die("recv");
        }
        t1 = now();
        if (got == 0) t0 = t1;
        got += n;
    }
    struct report rep = { got, t1 - t0 };
    if (write(out, &rep, sizeof rep) != (ssize_t)sizeof rep) die("write report");
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: udp plain|mmsg COUNT [SIZE] [RCVBUF]\n"); return 2; }
    int mmsg = strcmp(argv[1], "mmsg") == 0;
    if (!mmsg && strcmp(argv[1], "plain") != 0) { fprintf(stderr, "udp: unknown mode %s\n", argv[1]); return 2; }
    long count = atol(argv[2]);
    long size = argc > 3 ? atol(argv[3]) : 64;
    long rcvbuf = argc > 4 ? atol(argv[4]) : 0;
    if (count <= 0 || size <= 0 || size > 2048 || rcvbuf < 0 || rcvbuf > (1L << 30)) { fprintf(stderr, "udp: bad counts\n"); return 2; }

    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    if (rx < 0) die("socket");
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(rx, (struct sockaddr *)&sa, sl) < 0) die("bind");
    if (getsockname(rx, (struct sockaddr *)&sa, &sl) < 0) die("getsockname");
    if (rcvbuf > 0) {
        int v = (int)rcvbuf;
        if (setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) < 0) die("SO_RCVBUF");
    }
    int p[2];
    if (pipe(p) < 0) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(p[0]);
        receiver(rx, mmsg, count, p[1]);
        _exit(0);
    }
    close(p[1]);
    close(rx);
    char ready;
    if (read(p[0], &ready, 1) != 1) die("read ready");

    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    if (tx < 0) die("socket");
    static char buf[2048];
    memset(buf, 'x', sizeof buf);
    struct mmsghdr mm[BATCH];
    struct iovec iov[BATCH];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = buf;
        iov[i].iov_len = (size_t)size;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &sa;
        mm[i].msg_hdr.msg_namelen = sizeof sa;
    }
    double t0 = now();
    long sent = 0;
    while (sent < count) {
        if (mmsg) {
            long left = count - sent;
            int r = sendmmsg(tx, mm, left < BATCH ? (unsigned)left : BATCH, 0);
            if (r < 0) { if (errno == EINTR || errno == ENOBUFS) continue; die("sendmmsg"); }
            sent += r;
        } else {
            ssize_t r = sendto(tx, buf, (size_t)size, 0, (struct sockaddr *)&sa, sizeof sa);
            if (r < 0) { if (errno == EINTR || errno == ENOBUFS) continue; die("sendto"); }
            sent++;
        }
    }
    double t1 = now();
    struct report rep;
    if (read(p[0], &rep, sizeof rep) != (ssize_t)sizeof rep) die("read report");
    int st;
    if (waitpid(pid, &st, 0) < 0) die("waitpid");
    double secs = t1 - t0;
    double rsecs = rep.seconds > 0 ? rep.seconds : secs;
    printf("{\"workload\":\"udp-pps\",\"driver\":\"%s\",\"rounds\":%ld,\"seconds\":%.6f,"
           "\"metrics\":{\"sent-pps\":%.1f,\"recv-pps\":%.1f,\"loss-%%\":%.2f}}\n",
           mmsg ? "c-mmsg64" : "c-sendto", count, secs, (double)count / secs,
           (double)rep.count / rsecs, 100.0 * (double)(count - rep.count) / (double)count);
    return 0;
}
