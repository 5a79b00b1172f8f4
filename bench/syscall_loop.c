/* A syscall-heavy workload for measuring vigil's overhead:
 *   syscall_loop files N [PATH]
 *                          N x (open + read + close + stat) of one file (default
 *                          /etc/hostname)
 *   syscall_loop paced N RATE
 *                          the files loop on /etc/hostname at RATE iterations per second (in
 *                          1 ms steps), for a sustained, not a maximal, event rate
 *   syscall_loop exec N    N x (fork + exec /bin/true + wait)
 *   syscall_loop net N     N x (socket + connect + accept + send + recv + 2 close), TCP on
 *                          127.0.0.1
 * Prints the elapsed wall time in seconds on stdout. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3 && !(argc == 4 && strcmp(argv[1], "files") == 0) &&
      !(argc == 4 && strcmp(argv[1], "paced") == 0)) {
    fprintf(stderr, "usage: %s files|exec|net N [PATH (files)] | paced N RATE\n", argv[0]);
    return 2;
  }
  long n = atol(argv[2]);
  double start = now();
  if (strcmp(argv[1], "files") == 0) {
    const char *path = argc == 4 ? argv[3] : "/etc/hostname";
    char buf[64];
    struct stat st;
    for (long i = 0; i < n; i++) {
      int fd = open(path, O_RDONLY);
      if (fd < 0) return 1;
      if (read(fd, buf, sizeof(buf)) < 0) return 1;
      close(fd);
      stat(path, &st);
    }
  } else if (strcmp(argv[1], "paced") == 0) {
    double rate = atof(argv[3]);
    if (rate <= 0) {
      fprintf(stderr, "RATE must be positive\n");
      return 2;
    }
    /* Each millisecond's share, then a sleep to that step's absolute deadline. */
    long per_step = (long)(rate / 1000.0 + 0.5);
    if (per_step < 1) per_step = 1;
    double step = per_step / rate;
    char buf[64];
    struct stat st;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    for (long i = 0; i < n;) {
      for (long j = 0; j < per_step && i < n; j++, i++) {
        int fd = open("/etc/hostname", O_RDONLY);
        if (fd < 0) return 1;
        if (read(fd, buf, sizeof(buf)) < 0) return 1;
        close(fd);
        stat("/etc/hostname", &st);
      }
      long ns = deadline.tv_nsec + (long)(step * 1e9);
      deadline.tv_sec += ns / 1000000000L;
      deadline.tv_nsec = ns % 1000000000L;
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
    }
  } else if (strcmp(argv[1], "exec") == 0) {
    for (long i = 0; i < n; i++) {
      pid_t pid = fork();
      if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
      }
      int status;
      waitpid(pid, &status, 0);
    }
  } else if (strcmp(argv[1], "net") == 0) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listener, 16) < 0 || getsockname(listener, (struct sockaddr *)&addr, &len) < 0) {
      return 1;
    }
    start = now();
    char buf[16] = "ping";
    for (long i = 0; i < n; i++) {
      int c = socket(AF_INET, SOCK_STREAM, 0);
      if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0) return 1;
      int s = accept(listener, NULL, NULL);
      if (s < 0) return 1;
      if (send(c, buf, 4, 0) != 4 || recv(s, buf, sizeof(buf), 0) <= 0) return 1;
      close(s);
      close(c);
    }
    close(listener);
  } else {
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
  }
  printf("%.6f\n", now() - start);
  return 0;
}
