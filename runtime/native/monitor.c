// `monitor`: conmon's job. Detaches from its caller, forks the container's init through the
// namespaces (stage 1 joins cgroups and namespaces and unshares new ones, stage 2 is PID 1 of the
// new PID namespace and builds the filesystem), releases it when `start` opens the exec FIFO,
// writes its output to the CRI log, reaps it and records how it ended in the exit file.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

int notify_fd = -1;
/* under the zygote every monitor shares one pipe: each line starts with its plan's path */
const char *notify_key = NULL;
static int log_fd = -1;

static void notify(const char *fmt, const char *arg) {
  if (notify_fd < 0) return;
  char line[4000];
  int n = 0;
  if (notify_key) n = snprintf(line, 1024, "%s ", notify_key);
  if (n > 1023) n = 1023;
  n += snprintf(line + n, sizeof line - (size_t)n - 1, fmt, arg);
  if (n > (int)sizeof line - 2) {
    n = (int)sizeof line - 2; /* keep every line below PIPE_BUF so lines never interleave */
    line[n++] = '\n';
  }
  if (write_all(notify_fd, line, (size_t)n) < 0) {
    close(notify_fd);
    notify_fd = -1;
  }
}

static void fail_up(int up, const char *msg) {
  char line[4200];
  int n = snprintf(line, sizeof line, "error %s\n", msg);
  write_all(up, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
  _exit(1);
}

/* ---- stage 2: PID 1 of the container ---- */
static void run_init(const struct plan *p, int up, int down) {
  char err[4096], path[4096];
  setsid();
  umask(0);
  if (plan_find(p, "rootfs") && setup_rootfs(p, err, sizeof err) < 0) fail_up(up, err);
  umask(022);
  if (setup_process(p, err, sizeof err) < 0) fail_up(up, err);
  if (resolve_exec(p, path, sizeof path, err, sizeof err) < 0) fail_up(up, err);
  if (write_all(up, "ready\n", 6) < 0) _exit(1);
  char go = 0;
  ssize_t n;
  do n = read(down, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || go != 'g') _exit(1);
  exec_process(p, path);
}

/* ---- namespaces to join: opened (and checked with NS_GET_NSTYPE) before any is entered ---- */
struct joins {
  int fds[16], types[16], n, newflags, mount;
};

static int open_joins(const struct plan *p, struct joins *j, char *err, size_t errlen) {
  memset(j, 0, sizeof *j);
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    if (strcmp(o->op, "nsnew") == 0 && o->nf >= 1) j->newflags |= ns_type_flag(o->f[0]);
    if (strcmp(o->op, "nsjoin") != 0 || o->nf < 3 || j->n == 16) continue;
    int fd = open(o->f[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return snprintf(err, errlen, "%s: open %s: %s", o->f[2], o->f[1], strerror(errno)), -1;
    int want = ns_type_flag(o->f[0]);
    int got = ioctl(fd, NS_GET_NSTYPE);
    if (got < 0 || got != want) {
      close(fd);
      return snprintf(err, errlen, "%s: \"%s\" is not a %s namespace", o->f[2], o->f[1], o->f[0]), -1;
    }
    if (want == CLONE_NEWNS) j->mount = 1;
    j->fds[j->n] = fd;
    j->types[j->n++] = want;
  }
  return 0;
}

static int enter_joins(struct joins *j, char *err, size_t errlen) {
  for (int i = 0; i < j->n; i++) {
    if (setns(j->fds[i], j->types[i]) < 0) return snprintf(err, errlen, "join namespace 0x%x: %s", j->types[i], strerror(errno)), -1;
    close(j->fds[i]);
  }
  j->n = 0;
  return 0;
}

/* ---- stage 1 (only when a mount namespace is joined): cgroups, namespaces, fork of stage 2 ---- */
static void run_stage1(const struct plan *p, struct joins *j, int up, int down, const sigset_t *oldmask) {
  char err[4096];
  sigprocmask(SIG_SETMASK, oldmask, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (join_cgroups(p, 0, err, sizeof err) < 0) fail_up(up, err);
  if (enter_joins(j, err, sizeof err) < 0) fail_up(up, err);
  if (j->newflags && unshare(j->newflags) < 0) {
    snprintf(err, sizeof err, "unshare namespaces 0x%x: %s", j->newflags, strerror(errno));
    fail_up(up, err);
  }
  pid_t child = fork();
  if (child < 0) {
    snprintf(err, sizeof err, "fork init: %s", strerror(errno));
    fail_up(up, err);
  }
  if (child == 0) run_init(p, up, down);
  char line[64];
  int n = snprintf(line, sizeof line, "pid %d\n", child);
  write_all(up, line, (size_t)n);
  _exit(0);
}

static int read_counter(const char *file, const char *key) {
  char buf[4096];
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  size_t kl = strlen(key);
  for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
    if (strncmp(l, key, kl) == 0 && l[kl] == ' ') return atoi(l + kl + 1);
  return 0;
}

static void write_exit(const struct plan *p, pid_t pid, int status) {
  const char *exitfile = plan_get(p, "exitfile");
  const struct plan_op *oom = plan_find(p, "oom");
  int oomkilled = oom && oom->nf == 2 && read_counter(oom->f[0], oom->f[1]) > 0;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  char when[48], json[256], tmp[4200];
  format_rfc3339nano(when, sizeof when);
  int n = snprintf(json, sizeof json, "{\"pid\":%d,\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\",\"oomKilled\":%s}\n", pid, code,
                   sig, when, oomkilled ? "true" : "false");
  if (!exitfile) return;
  snprintf(tmp, sizeof tmp, "%s.tmp", exitfile);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  /* no fsync: containers do not outlive a reboot, and rename is atomic for every reader */
  write_all(fd, json, (size_t)n);
  close(fd);
  rename(tmp, exitfile);
}

static int open_log(const char *path) {
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/* runs one container's monitor; DETACH forks it away from its caller first */
int run_monitor(const char *planfile, int detach) {
  struct plan plan;
  char err[4096];
  if (plan_load(planfile, &plan, err, sizeof err) < 0) {
    notify("error %s\n", err);
    return 1;
  }
  const char *fifo = plan_get(&plan, "fifo");
  if (fifo && mkfifo(fifo, 0600) < 0 && errno != EEXIST) {
    notify("error exec fifo: %s\n", strerror(errno));
    return 1;
  }
  if (detach) {
    pid_t det = fork();
    if (det < 0) return perror("skiff-native: fork"), 1;
    if (det > 0) _exit(0);
  }
  setsid();
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  sigset_t mask, oldmask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGUSR1);
  sigprocmask(SIG_BLOCK, &mask, &oldmask);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

  const char *logpath = plan_get(&plan, "log");
  const char *stdio = plan_get(&plan, "stdio");
  int inherit = stdio && strcmp(stdio, "inherit") == 0;
  int outp[2] = {-1, -1}, errp[2] = {-1, -1}, nullfd = -1;
  if (!inherit) {
    nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (logpath) {
      log_fd = open_log(logpath);
      if (log_fd < 0) {
        notify("error log file %s\n", strerror(errno));
        return 1;
      }
      if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) return notify("error pipe: %s\n", strerror(errno)), 1;
    }
  }
  int up[2], down[2];
  if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0) return notify("error pipe: %s\n", strerror(errno)), 1;

  struct joins joins;
  if (open_joins(&plan, &joins, err, sizeof err) < 0) return notify("error %s\n", err), 1;
  pid_t stage1 = -1, init = 0;
  if (!joins.mount) {
    /* one step, like crun: the monitor joins the namespaces given (none of them changes its view of
       the filesystem) and clones the init straight into the new ones; it places the init in its
       cgroup before the init does anything */
    if (enter_joins(&joins, err, sizeof err) < 0) return notify("error %s\n", err), 1;
    /* a cgroup namespace is rooted where its creator is: the init unshares it once placed */
    int later = joins.newflags & CLONE_NEWCGROUP;
    init = (pid_t)syscall(SYS_clone, (unsigned long)(joins.newflags & ~later) | SIGCHLD, NULL, NULL, NULL, NULL);
    if (init < 0) return notify("error clone: %s\n", strerror(errno)), 1;
    if (init == 0) {
      close(up[0]);
      close(down[1]);
      if (!inherit) {
        dup2(nullfd, 0);
        dup2(logpath ? outp[1] : nullfd, 1);
        dup2(logpath ? errp[1] : nullfd, 2);
      }
      sigprocmask(SIG_SETMASK, &oldmask, NULL);
      signal(SIGPIPE, SIG_DFL);
      char c = 0;
      ssize_t r;
      do r = read(down[0], &c, 1);
      while (r < 0 && errno == EINTR);
      if (r != 1 || c != 'c') _exit(1);
      if (later && unshare(later) < 0) {
        snprintf(err, sizeof err, "unshare cgroup namespace: %s", strerror(errno));
        fail_up(up[1], err);
      }
      run_init(&plan, up[1], down[0]);
    }
    if (join_cgroups(&plan, init, err, sizeof err) < 0) {
      kill(init, SIGKILL);
      waitpid(init, NULL, 0);
      return notify("error %s\n", err), 1;
    }
    write(down[1], "c", 1);
  } else {
    stage1 = fork();
    if (stage1 < 0) return notify("error fork: %s\n", strerror(errno)), 1;
    if (stage1 == 0) {
      close(up[0]);
      close(down[1]);
      if (!inherit) {
        dup2(nullfd, 0);
        dup2(logpath ? outp[1] : nullfd, 1);
        dup2(logpath ? errp[1] : nullfd, 2);
      }
      run_stage1(&plan, &joins, up[1], down[0], &oldmask);
    }
    for (int i = 0; i < joins.n; i++) close(joins.fds[i]);
  }
  close(up[1]);
  close(down[0]);
  if (outp[1] >= 0) close(outp[1]), close(errp[1]);
  if (!inherit) {
    dup2(nullfd, 0);
    dup2(nullfd, 1);
    dup2(nullfd, 2);
  }

  /* read what the stages report: "pid N", then "ready" or "error MESSAGE" */
  FILE *upf = fdopen(up[0], "r");
  char line[4200];
  int ready = 0;
  while (fgets(line, sizeof line, upf)) {
    line[strcspn(line, "\n")] = 0;
    if (strncmp(line, "pid ", 4) == 0) init = atoi(line + 4);
    else if (strcmp(line, "ready") == 0) { ready = 1; break; }
    else if (strncmp(line, "error ", 6) == 0) { notify("error %s\n", line + 6); break; }
  }
  int st;
  if (stage1 > 0) waitpid(stage1, &st, 0);
  if (!ready) {
    if (init > 0) {
      kill(init, SIGKILL);
      waitpid(init, &st, 0);
    }
    notify("error %s\n", "container init exited during setup");
    return 1;
  }
  fclose(upf);
  char pidtxt[32];
  snprintf(pidtxt, sizeof pidtxt, "%d", init);
  notify("created %s\n", pidtxt);

  /* `start` opens the FIFO for reading; until then the init waits on the down pipe */
  if (fifo) {
    int ff;
    do ff = open(fifo, O_WRONLY | O_CLOEXEC);
    while (ff < 0 && errno == EINTR);
    if (ff >= 0) {
      write(ff, "0", 1);
      close(ff);
    }
    unlink(fifo);
  }
  write(down[1], "g", 1);
  close(down[1]);
  notify("%s\n", "started");

  struct stream *out = NULL, *errs = NULL;
  if (logpath) {
    out = calloc(1, sizeof *out);
    errs = calloc(1, sizeof *errs);
    out->fd = outp[0], out->name = "stdout";
    errs->fd = errp[0], errs->name = "stderr";
  }
  int status = 0, exited = 0;
  int draining_ms = -1;
  for (;;) {
    struct pollfd pfd[3] = {{sfd, POLLIN, 0}, {out ? out->fd : -1, POLLIN, 0}, {errs ? errs->fd : -1, POLLIN, 0}};
    if (exited && pfd[1].fd < 0 && pfd[2].fd < 0) break;
    int n = poll(pfd, 3, exited ? draining_ms : -1);
    if (n == 0) break; /* drained as long as we wait for leftover writers */
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pfd[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGUSR1 && logpath) {
          int nfd = open_log(logpath);
          if (nfd >= 0) dup2(nfd, log_fd), close(nfd);
        }
        if (si.ssi_signo != SIGCHLD) continue;
        pid_t w;
        while ((w = waitpid(-1, &st, WNOHANG)) > 0)
          if (w == init) status = st, exited = 1, draining_ms = 200;
      }
    }
    if (out && (pfd[1].revents & (POLLIN | POLLHUP)) && !log_pump(log_fd, out)) close(out->fd), out->fd = -1;
    if (errs && (pfd[2].revents & (POLLIN | POLLHUP)) && !log_pump(log_fd, errs)) close(errs->fd), errs->fd = -1;
    if (out && out->fd < 0 && errs && errs->fd < 0 && exited) break;
  }
  write_exit(&plan, init, status);
  notify("%s\n", "exited");
  return 0;
}

int monitor_main(int argc, char **argv) {
  if (argc != 3) return fputs("usage: skiff-native monitor PLANFILE\n", stderr), 2;
  if (fcntl(3, F_GETFD) >= 0) {
    notify_fd = 3;
    fcntl(3, F_SETFD, FD_CLOEXEC);
  }
  return run_monitor(argv[2], 1);
}
