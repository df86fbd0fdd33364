// `pause`: holds a pod's namespaces (argv documented in main.c). The holder reaps zombies, ignores
// everything else and exits 0 on SIGTERM or SIGINT.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int holder(int ready) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  write_all(ready, "k", 1);
  close(ready);
  int nullfd = open("/dev/null", O_RDWR);
  if (nullfd >= 0) dup2(nullfd, 0), dup2(nullfd, 1), dup2(nullfd, 2), close(nullfd);
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig == SIGTERM || sig == SIGINT) return 0;
    if (sig == SIGCHLD)
      while (waitpid(-1, NULL, WNOHANG) > 0) {}
  }
}

int pause_main(int argc, char **argv) {
  const char *unshare_list = NULL, *hostname = NULL;
  const char *cgroups[16];
  int ncg = 0;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--unshare") == 0 && i + 1 < argc) unshare_list = argv[++i];
    else if (strcmp(argv[i], "--hostname") == 0 && i + 1 < argc) hostname = argv[++i];
    else if (strcmp(argv[i], "--cgroup") == 0 && i + 1 < argc && ncg < 16) cgroups[ncg++] = argv[++i];
    else return fprintf(stderr, "skiff-native pause: unknown argument \"%s\"\n", argv[i]), 2;
  }
  for (int i = 0; i < ncg; i++)
    if (write_file(cgroups[i], "0") < 0) return fprintf(stderr, "skiff-native pause: --cgroup %s: %s\n", cgroups[i], strerror(errno)), 1;
  int flags = 0;
  if (unshare_list) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", unshare_list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      int f = ns_type_flag(t);
      if (!f || f == CLONE_NEWUSER) return fprintf(stderr, "skiff-native pause: --unshare: unknown namespace type \"%s\"\n", t), 2;
      flags |= f;
    }
  }
  if (flags && unshare(flags) < 0) return fprintf(stderr, "skiff-native pause: unshare: %s\n", strerror(errno)), 1;
  if (hostname && sethostname(hostname, strlen(hostname)) < 0)
    return fprintf(stderr, "skiff-native pause: --hostname: %s\n", strerror(errno)), 1;
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) < 0) return perror("skiff-native pause: pipe"), 1;
  pid_t child = fork();
  if (child < 0) return perror("skiff-native pause: fork"), 1;
  if (child == 0) {
    close(ready[0]);
    setsid();
    if (chdir("/") < 0) _exit(1);
    return holder(ready[1]);
  }
  close(ready[1]);
  char c;
  if (read(ready[0], &c, 1) != 1) return fputs("skiff-native pause: holder died\n", stderr), 1;
  printf("%d\n", child);
  fflush(stdout);
  return 0;
}
