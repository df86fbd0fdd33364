// `zygote` (argv in main.c): a small, long-lived process that forks one monitor per request, so
// the runtime never forks its own (large) process on the hot path.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

extern int notify_fd;
extern const char *notify_key;

/* `zygote`: forks a monitor per "monitor PLANFILE" line on stdin, so a runtime starts containers
   without forking itself; every monitor reports on the zygote's stdout, lines keyed by plan path.
   Exits when stdin closes (the runtime is gone); running monitors are not affected. */
int zygote_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  signal(SIGCHLD, SIG_IGN); /* monitors are reaped automatically */
  signal(SIGPIPE, SIG_IGN);
  char line[4200];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (strncmp(line, "monitor ", 8) != 0) continue;
    pid_t pid = fork();
    if (pid < 0) {
      dprintf(1, "%s error fork: %s\n", line + 8, strerror(errno));
      continue;
    }
    if (pid > 0) continue;
    signal(SIGCHLD, SIG_DFL);
    prctl(PR_SET_NAME, "skiff-monitor", 0, 0, 0);
    int nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
    dup2(1, 3);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    dup2(nullfd, 0);
    notify_fd = 3;
    notify_key = line + 8;
    _exit(run_monitor(line + 8, 0));
  }
  return 0;
}
