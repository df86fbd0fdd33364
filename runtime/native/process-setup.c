// The process half shared by `monitor` (the container's init) and `exec`: cgroup joins, rlimits,
// oom_score_adj, cwd, user and groups, capabilities, no_new_privs, PATH lookup and the final exec.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int ns_type_flag(const char *type) {
  if (strcmp(type, "pid") == 0) return CLONE_NEWPID;
  if (strcmp(type, "network") == 0 || strcmp(type, "net") == 0) return CLONE_NEWNET;
  if (strcmp(type, "mount") == 0 || strcmp(type, "mnt") == 0) return CLONE_NEWNS;
  if (strcmp(type, "ipc") == 0) return CLONE_NEWIPC;
  if (strcmp(type, "uts") == 0) return CLONE_NEWUTS;
  if (strcmp(type, "cgroup") == 0) return CLONE_NEWCGROUP;
  if (strcmp(type, "user") == 0) return CLONE_NEWUSER;
  if (strcmp(type, "time") == 0) return 0x80; /* CLONE_NEWTIME */
  return 0;
}

int join_cgroups(const struct plan *p, pid_t pid, char *err, size_t errlen) {
  char txt[24];
  snprintf(txt, sizeof txt, "%d", (int)pid);
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    if (strcmp(o->op, "cgroup") != 0 || o->nf < 1) continue;
    if (write_file(o->f[0], txt) < 0)
      return snprintf(err, errlen, "join cgroup %s: %s", o->f[0], strerror(errno)), -1;
  }
  return 0;
}

static int mkdir_all(const char *path) {
  char buf[4096];
  if (strlen(path) >= sizeof buf) return errno = ENAMETOOLONG, -1;
  strcpy(buf, path);
  for (char *s = buf + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
    *s = '/';
  }
  if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
  return 0;
}

static int set_caps(const struct plan_op *o, char *err, size_t errlen) {
  uint64_t eff = strtoull(o->f[1], NULL, 16);
  uint64_t perm = strtoull(o->f[2], NULL, 16), inh = strtoull(o->f[3], NULL, 16);
  uint64_t amb = strtoull(o->f[4], NULL, 16);
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  data[0].effective = (uint32_t)eff;
  data[1].effective = (uint32_t)(eff >> 32);
  data[0].permitted = (uint32_t)perm;
  data[1].permitted = (uint32_t)(perm >> 32);
  data[0].inheritable = (uint32_t)inh;
  data[1].inheritable = (uint32_t)(inh >> 32);
  if (syscall(SYS_capset, &hdr, data) < 0) return snprintf(err, errlen, "capset: %s", strerror(errno)), -1;
  for (int c = 0; c < 64; c++) {
    if (!(amb & (1ULL << c))) continue;
    /* like runc: an ambient capability the inheritable set lacks is skipped, not an error */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 && errno != EPERM)
      return snprintf(err, errlen, "raise ambient capability %d: %s", c, strerror(errno)), -1;
  }
  return 0;
}

int setup_process(const struct plan *p, char *err, size_t errlen) {
  const struct plan_op *user = plan_find(p, "user"), *groups = plan_find(p, "groups"), *caps = plan_find(p, "caps");
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    if (strcmp(o->op, "rlimit") == 0 && o->nf == 3) {
      struct rlimit rl = {strtoull(o->f[1], NULL, 10), strtoull(o->f[2], NULL, 10)};
      if (setrlimit(atoi(o->f[0]), &rl) < 0)
        return snprintf(err, errlen, "process.rlimits: setrlimit %s: %s", o->f[0], strerror(errno)), -1;
    } else if (strcmp(o->op, "oomscore") == 0 && o->nf == 1) {
      int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
      if (fd >= 0) {
        /* without CAP_SYS_RESOURCE the kernel refuses lowering it: keep the inherited value then */
        if (write(fd, o->f[0], strlen(o->f[0])) < 0 && errno != EACCES && errno != EPERM) {
          int e = errno;
          close(fd);
          return snprintf(err, errlen, "process.oomScoreAdj: %s", strerror(e)), -1;
        }
        close(fd);
      }
    }
  }
  const char *cwd = plan_get(p, "cwd");
  if (cwd) {
    if (mkdir_all(cwd) < 0 || chdir(cwd) < 0)
      return snprintf(err, errlen, "process.cwd: chdir %s: %s", cwd, strerror(errno)), -1;
  }
  if (caps && caps->nf == 5) {
    /* drop the bounding set while still privileged; the rest after the uid switch */
    uint64_t bounding = strtoull(caps->f[0], NULL, 16);
    for (int c = 0; c < 64; c++) {
      if (bounding & (1ULL << c)) continue;
      if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
        if (errno == EINVAL) break; /* past the kernel's last capability */
        return snprintf(err, errlen, "process.capabilities.bounding: drop %d: %s", c, strerror(errno)), -1;
      }
    }
  }
  if (user && user->nf == 2) {
    uid_t uid = (uid_t)strtoul(user->f[0], NULL, 10);
    gid_t gid = (gid_t)strtoul(user->f[1], NULL, 10);
    gid_t gids[256];
    size_t ng = 0;
    if (groups && groups->nf == 1 && groups->f[0][0]) {
      char *save = NULL;
      for (char *g = strtok_r(groups->f[0], ",", &save); g && ng < 256; g = strtok_r(NULL, ",", &save))
        gids[ng++] = (gid_t)strtoul(g, NULL, 10);
    }
    if (setgroups(ng, gids) < 0) return snprintf(err, errlen, "process.user.additionalGids: setgroups: %s", strerror(errno)), -1;
    if (setresgid(gid, gid, gid) < 0) return snprintf(err, errlen, "process.user.gid: setresgid %u: %s", gid, strerror(errno)), -1;
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return snprintf(err, errlen, "keepcaps: %s", strerror(errno)), -1;
    if (setresuid(uid, uid, uid) < 0) return snprintf(err, errlen, "process.user.uid: setresuid %u: %s", uid, strerror(errno)), -1;
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  }
  if (caps && caps->nf == 5 && set_caps(caps, err, errlen) < 0) return -1;
  if (plan_find(p, "nonewprivs") && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return snprintf(err, errlen, "process.noNewPrivileges: %s", strerror(errno)), -1;
  return 0;
}

static const char *env_path(const struct plan *p) {
  for (int i = 0; i < p->n; i++)
    if (strcmp(p->ops[i].op, "env") == 0 && p->ops[i].nf == 1 && strncmp(p->ops[i].f[0], "PATH=", 5) == 0)
      return p->ops[i].f[0] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int is_executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int resolve_exec(const struct plan *p, char *out, size_t outlen, char *err, size_t errlen) {
  const char *arg0 = plan_get(p, "arg");
  if (!arg0 || !arg0[0]) return snprintf(err, errlen, "process.args: empty"), -1;
  if (strchr(arg0, '/')) {
    if (!is_executable(arg0))
      return snprintf(err, errlen, "process.args[0]: exec: \"%s\": %s", arg0, errno ? strerror(errno) : "not an executable file"), -1;
    snprintf(out, outlen, "%s", arg0);
    return 0;
  }
  const char *path = env_path(p);
  while (*path) {
    const char *colon = strchr(path, ':');
    size_t len = colon ? (size_t)(colon - path) : strlen(path);
    snprintf(out, outlen, "%.*s/%s", (int)len, len ? path : ".", arg0);
    if (is_executable(out)) return 0;
    path += len + (colon ? 1 : 0);
  }
  return snprintf(err, errlen, "process.args[0]: exec: \"%s\": executable file not found in $PATH", arg0), -1;
}

void exec_process(const struct plan *p, const char *path) {
  int nargs = 0, nenv = 0;
  for (int i = 0; i < p->n; i++) {
    if (strcmp(p->ops[i].op, "arg") == 0) nargs++;
    else if (strcmp(p->ops[i].op, "env") == 0) nenv++;
  }
  char **argv = calloc((size_t)nargs + 1, sizeof(char *)), **envp = calloc((size_t)nenv + 1, sizeof(char *));
  int a = 0, e = 0;
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    if (o->nf != 1) continue;
    if (strcmp(o->op, "arg") == 0) argv[a++] = o->f[0];
    else if (strcmp(o->op, "env") == 0) envp[e++] = o->f[0];
  }
  /* CVE-2024-21626: no inherited descriptor beyond stdio survives the exec */
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
    for (int fd = 3; fd < 1024; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  execve(path, argv, envp);
  int e2 = errno;
  dprintf(2, "exec %s: %s\n", path, strerror(e2));
  _exit(e2 == ENOENT ? 127 : 126);
}
