/* A syscall-heavy workload for measuring vigil's overhead:
 *   syscall_loop files N   N x (open + read + close + stat) of one file
 *   syscall_loop exec N    N x (fork + exec /bin/true + wait)
 * Prints the elapsed wall time in seconds on stdout. */
#define _GNU_SOURCE
#include <fcntl.h>
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
  if (argc != 3) {
    fprintf(stderr, "usage: %s files|exec N\n", argv[0]);
    return 2;
  }
  long n = atol(argv[2]);
  double start = now();
  if (strcmp(argv[1], "files") == 0) {
    char buf[64];
    struct stat st;
    for (long i = 0; i < n; i++) {
      int fd = open("/etc/hostname", O_RDONLY);
      if (fd < 0) return 1;
      if (read(fd, buf, sizeof(buf)) < 0) return 1;
      close(fd);
      stat("/etc/hostname", &st);
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
  } else {
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
  }
  printf("%.6f\n", now() - start);
  return 0;
}
