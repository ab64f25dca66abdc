/*
 * The one client of the echo workload, whatever the server: one thread,
 * epoll, CLIENTS connections each doing ROUNDS sequential 64-byte round trips.
 *
 *   echo-client DRIVER CLIENTS ROUNDS -- SERVER-COMMAND [ARGS...]
 *
 * Spawns the server command, reads "PORT <n>" from its stdout, connects every
 * client (TCP_NODELAY), runs one warm-up round trip per client, then measures
 * all CLIENTS x ROUNDS round trips, prints one JSON line and kills the server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MSG 64

static pid_t server = -1;

static void die(const char *what) {
    fprintf(stderr, "echo-client: %s: %s\n", what, strerror(errno));
    if (server > 0) kill(server, SIGKILL);
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct { int fd; long left; int got; } client;

/* Runs `rounds` round trips on every client; returns when all are done. */
static void run(int ep, client *cs, int n, long rounds) {
    char msg[MSG], buf[MSG];
    memset(msg, 'e', sizeof msg);
    int active = n;
    for (int i = 0; i < n; i++) {
        cs[i].left = rounds;
        cs[i].got = 0;
        if (send(cs[i].fd, msg, MSG, 0) != MSG) die("send");
    }
    struct epoll_event evs[256];
    while (active > 0) {
        int k = epoll_wait(ep, evs, 256, 10000);
        if (k < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        if (k == 0) { errno = ETIMEDOUT; die("server stopped answering"); }
        for (int e = 0; e < k; e++) {
            client *c = &cs[evs[e].data.u32];
            ssize_t r = recv(c->fd, buf, (size_t)(MSG - c->got), 0);
            if (r < 0) { if (errno == EAGAIN || errno == EINTR) continue; die("recv"); }
            if (r == 0) { errno = ECONNRESET; die("server closed a connection"); }
            c->got += (int)r;
            if (c->got < MSG) continue;
            c->got = 0;
            if (--c->left == 0) { active--; continue; }
            if (send(c->fd, msg, MSG, 0) != MSG) die("send");
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: echo-client DRIVER CLIENTS ROUNDS -- SERVER-COMMAND [ARGS...]\n");
        return 2;
    }
    const char *driver = argv[1];
    int n = atoi(argv[2]);
    long rounds = atol(argv[3]);
    if (n <= 0 || n > 10000 || rounds <= 0) { fprintf(stderr, "echo-client: bad CLIENTS or ROUNDS\n"); return 2; }
    int pipefd[2];
    if (pipe(pipefd) < 0) die("pipe");
    server = fork();
    if (server < 0) die("fork");
    if (server == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execvp(argv[5], argv + 5);
        perror("echo-client: exec");
        _exit(127);
    }
    close(pipefd[1]);
    FILE *out = fdopen(pipefd[0], "r");
    int port = 0;
    char line[256];
    while (fgets(line, sizeof line, out) != NULL) {
        if (sscanf(line, "PORT %d", &port) == 1) break;
    }
    if (port <= 0) { errno = EPROTO; die("the server printed no PORT line"); }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    client *cs = calloc((size_t)n, sizeof *cs);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (cs == NULL || ep < 0) die("setup");
    int one = 1;
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
        cs[i].fd = fd;
    }
    run(ep, cs, n, 1); /* warm-up: every connection accepted and served once */
    double t0 = now();
    run(ep, cs, n, rounds);
    double secs = now() - t0;
    for (int i = 0; i < n; i++) close(cs[i].fd);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    long total = (long)n * rounds;
    printf("{\"workload\":\"echo\",\"driver\":\"%s\",\"rounds\":%ld,\"seconds\":%.6f,\"metrics\":{\"rt/s\":%.1f}}\n",
           driver, total, secs, (double)total / secs);
    return 0;
}
