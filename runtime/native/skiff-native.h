// Shared declarations of the native helper (see main.c for the modes and their argv).
#ifndef SKIFF_NATIVE_H
#define SKIFF_NATIVE_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PLAN_MAX_FIELDS 8

/* One step of a plan: an operation name and its (already decoded) fields. */
struct plan_op {
  char *op;
  int nf;
  char *f[PLAN_MAX_FIELDS];
};

/* A plan: the validated steps TypeScript wrote, in file order. */
struct plan {
  struct plan_op *ops;
  int n;
};

/* plan.c */
int plan_load(const char *path, struct plan *out, char *err, size_t errlen);
int plan_parse(char *text, struct plan *out, char *err, size_t errlen);
const struct plan_op *plan_find(const struct plan *p, const char *op);
const char *plan_get(const struct plan *p, const char *op);

/* sealed-exe.c: re-exec from a sealed memfd copy unless already running from one (CVE-2019-5736) */
void ensure_sealed_exe(char **argv);

/* container-setup.c: inside the new namespaces, before pivot_root and after it */
int setup_rootfs(const struct plan *p, char *err, size_t errlen);

/* process-setup.c: user, capabilities, rlimits, no_new_privs, cwd, exec */
int setup_process(const struct plan *p, char *err, size_t errlen);
int resolve_exec(const struct plan *p, char *out, size_t outlen, char *err, size_t errlen);
void exec_process(const struct plan *p, const char *path);
/* writes PID (0: the caller) into every "cgroup" step's cgroup.procs file */
int join_cgroups(const struct plan *p, pid_t pid, char *err, size_t errlen);
int ns_type_flag(const char *type);

/* cri-log.c: one container output stream and the CRI log writer */
#define LOG_LINE_MAX 16384

struct stream {
  int fd;
  const char *name;
  size_t len;
  char buf[LOG_LINE_MAX];
};

/* reads what STREAM has and writes complete lines to LOG_FD; 0 at EOF */
int log_pump(int log_fd, struct stream *s);

/* monitor.c: runs one container's monitor; DETACH forks it away from its caller first */
int run_monitor(const char *planfile, int detach);

/* modes */
int monitor_main(int argc, char **argv);
int zygote_main(int argc, char **argv);
int exec_main(int argc, char **argv);
int pause_main(int argc, char **argv);
/* exec --tty: a terminal opened in the container, its slave as the process's stdio, relayed by the helper */
int pty_open_master(char *err, size_t errlen);
int pty_attach_slave(int master, char *err, size_t errlen);
void pty_relay(int master, int control_fd);
/* connect NETNS PORT: a TCP connection to localhost:PORT inside a network namespace, relayed over stdio */
int connect_main(int argc, char **argv);

/* small helpers (main.c) */
int write_all(int fd, const void *buf, size_t len);
int write_file(const char *path, const char *data);
void format_rfc3339nano(char *out, size_t len);

#endif
