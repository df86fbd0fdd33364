// skiff-native: the small C part of Skiff's executor. libc only, statically linked.
//
// Modes and their argv:
//
//   skiff-native monitor PLANFILE
//       Runs one container. PLANFILE is the plan TypeScript wrote (runtime/executor/plan-*.ts):
//       one step per line, fields percent-encoded. The monitor forks itself away (setsid) so it
//       outlives its caller, becomes the parent (subreaper) of the container's init, and reports on
//       fd 3 (when open): "created PID\n" once the init is set up and waits on the exec FIFO,
//       "error MESSAGE\n" when setup failed, "started\n" after `start` opened the FIFO, and
//       "exited\n" after it wrote the exit file (JSON: exitCode, signal, finishedAt, oomKilled).
//       Container output goes to the plan's CRI log file, to /dev/null, or (stdio inherit) to the
//       monitor's own fds 0-2.
//
//   skiff-native zygote
//       Starts monitors without the runtime forking itself: reads "monitor PLANFILE" lines on
//       stdin and forks a monitor for each; all of them report on the zygote's stdout, each line
//       prefixed with its PLANFILE ("PLANFILE created PID"). Exits when stdin closes.
//
//   skiff-native exec [--tty] PLANFILE
//       Runs one extra process in a running container: joins its cgroup, then the namespaces the
//       plan lists (paths under /proc/PID/ns), forks, and execs. stdio is passed through; exits with
//       the process's status (128+signal when killed). Deletes PLANFILE after reading it. With
//       --tty the process runs on a terminal opened in the container and the helper relays it to
//       its stdio; "resize COLS ROWS" lines on fd 3 size it (exec-tty.c).
//
//   skiff-native connect NETNS PORT
//       The far end of a port-forward (see netns-connect.c): a TCP connection to localhost:PORT
//       inside the network namespace pinned at NETNS, relayed over stdio.
//
//   skiff-native pause [--unshare net,ipc,uts,pid] [--hostname NAME] [--cgroup PROCSFILE]...
//       Holds a pod's namespaces. Joins the cgroups given (writes itself to each cgroup.procs file),
//       unshares the listed namespaces (with pid: forks so the holder is PID 1 of the new PID
//       namespace), sets the hostname in a new UTS namespace, then prints the holder's PID (as the
//       host sees it) and a newline on stdout, closes stdio and sleeps: it reaps zombies and exits
//       0 on SIGTERM or SIGINT. Exit status 1 with a message on stderr when a step fails.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int write_file(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = write_all(fd, data, strlen(data));
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

void format_rfc3339nano(char *out, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, len, "%s.%09ldZ", base, ts.tv_nsec);
}

static int usage(void) {
  fputs("usage: skiff-native monitor PLANFILE | zygote | exec [--tty] PLANFILE | connect NETNS PORT | pause [--unshare NS,...] [--hostname NAME] [--cgroup PROCSFILE]...\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  ensure_sealed_exe(argv);
  /* hold nothing the caller leaked: only stdio and the report channel (fd 3) stay */
  syscall(SYS_close_range, strcmp(argv[1], "pause") == 0 || strcmp(argv[1], "zygote") == 0 ? 3U : 4U, ~0U, 0);
  /* a readable name in ps/top instead of the memfd's fd number */
  char name[16];
  snprintf(name, sizeof name, "skiff-%s", argv[1]);
  prctl(PR_SET_NAME, name, 0, 0, 0);
  if (strcmp(argv[1], "monitor") == 0) return monitor_main(argc, argv);
  if (strcmp(argv[1], "exec") == 0) return exec_main(argc, argv);
  if (strcmp(argv[1], "zygote") == 0) return zygote_main(argc, argv);
  if (strcmp(argv[1], "pause") == 0) return pause_main(argc, argv);
  if (strcmp(argv[1], "connect") == 0) return connect_main(argc, argv);
  return usage();
}
