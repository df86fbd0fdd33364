// `exec`: one more process inside a running container (ExecSync, probes, `skiff oci exec`).
// Joins the container's cgroup, then its namespaces (opened first, joined in plan order with the
// mount namespace last), forks (a PID namespace applies to children) and execs with the plan's
// user, capabilities, environment and cwd. Setup errors go to fd 3 when open ("error MESSAGE").
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int report_fd = -1;

static int fail(const char *msg) {
  char line[4200];
  int n = snprintf(line, sizeof line, "error %s\n", msg);
  if (report_fd >= 0) write_all(report_fd, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
  else fprintf(stderr, "skiff-native exec: %s\n", msg);
  return 255;
}

int exec_main(int argc, char **argv) {
  int tty = argc == 4 && strcmp(argv[2], "--tty") == 0;
  if (argc != 3 && !tty) return fputs("usage: skiff-native exec [--tty] PLANFILE\n", stderr), 2;
  if (tty) argv[2] = argv[3];
  if (fcntl(3, F_GETFD) >= 0) {
    report_fd = 3;
    fcntl(3, F_SETFD, FD_CLOEXEC);
  }
  struct plan plan;
  char err[4096], path[4096];
  int rc = plan_load(argv[2], &plan, err, sizeof err);
  unlink(argv[2]);
  if (rc < 0) return fail(err);
  if (join_cgroups(&plan, 0, err, sizeof err) < 0) return fail(err);
  int fds[16], types[16], nj = 0;
  for (int i = 0; i < plan.n && nj < 16; i++) {
    const struct plan_op *o = &plan.ops[i];
    if (strcmp(o->op, "nsjoin") != 0 || o->nf < 2) continue;
    fds[nj] = open(o->f[1], O_RDONLY | O_CLOEXEC);
    if (fds[nj] < 0) return snprintf(err, sizeof err, "open namespace %s: %s", o->f[1], strerror(errno)), fail(err);
    types[nj++] = ns_type_flag(o->f[0]);
  }
  for (int i = 0; i < nj; i++) {
    if (setns(fds[i], types[i]) < 0) return snprintf(err, sizeof err, "join namespace %d: %s", types[i], strerror(errno)), fail(err);
    close(fds[i]);
  }
  int master = -1;
  if (tty && (master = pty_open_master(err, sizeof err)) < 0) return fail(err);
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) < 0) return fail("pipe");
  pid_t child = fork();
  if (child < 0) return fail("fork");
  if (child == 0) {
    close(errpipe[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if ((master >= 0 && pty_attach_slave(master, err, sizeof err) < 0) || setup_process(&plan, err, sizeof err) < 0 || resolve_exec(&plan, path, sizeof path, err, sizeof err) < 0) {
      write_all(errpipe[1], err, strlen(err));
      _exit(255);
    }
    exec_process(&plan, path); /* the pipe closes on exec */
  }
  close(errpipe[1]);
  ssize_t n = read(errpipe[0], err, sizeof err - 1);
  if (master >= 0 && n <= 0) pty_relay(master, report_fd);
  int st;
  while (waitpid(child, &st, 0) < 0 && errno == EINTR) {}
  if (n > 0) {
    err[n] = 0;
    return fail(err);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
