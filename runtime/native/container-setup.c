// The container's filesystem, built inside its new mount namespace: the rootfs bind, the spec's
// mounts (destinations resolved inside the rootfs with openat2 RESOLVE_IN_ROOT and mounted through
// /proc/self/fd, CVE-2021-30465), device nodes and symlinks, pivot_root, then sysctls, hostname,
// masked and read-only paths and a read-only root.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BIND_REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

static int open_in_root(int rootfd, const char *rel, int flags) {
  struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  if (rel[0] == 0) rel = ".";
  return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
}

/* Opens DEST (absolute, inside the rootfs) as O_PATH, creating missing directories on the way and
   the last component as a directory or an empty file. Symlinks resolve inside the rootfs. */
static int ensure_in_root(int rootfd, const char *dest, int want_file) {
  while (*dest == '/') dest++;
  int fd = open_in_root(rootfd, dest, O_PATH);
  if (fd >= 0 || errno != ENOENT) return fd;
  char buf[4096];
  if (strlen(dest) >= sizeof buf) return errno = ENAMETOOLONG, -1;
  strcpy(buf, dest);
  char *p = buf;
  for (;;) {
    char *slash = strchr(p, '/');
    int last = slash == NULL;
    if (slash) *slash = 0;
    int cur = open_in_root(rootfd, buf, O_PATH);
    if (cur < 0) {
      if (errno != ENOENT) return -1;
      char *name = strrchr(buf, '/');
      int parent;
      if (name) {
        *name = 0;
        parent = open_in_root(rootfd, buf, O_PATH | O_DIRECTORY);
        *name = '/';
        name++;
      } else {
        parent = open_in_root(rootfd, "", O_PATH | O_DIRECTORY);
        name = buf;
      }
      if (parent < 0) return -1;
      int rc;
      if (last && want_file) {
        rc = openat(parent, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (rc >= 0) close(rc);
      } else {
        rc = mkdirat(parent, name, 0755);
      }
      int e = errno;
      close(parent);
      if (rc < 0 && e != EEXIST) return errno = e, -1;
    } else {
      close(cur);
    }
    if (last) break;
    *slash = '/';
    p = slash + 1;
  }
  return open_in_root(rootfd, dest, O_PATH);
}

/* Opens the parent directory of DEST inside the rootfs (creating it) and returns the last name. */
static int parent_in_root(int rootfd, const char *dest, const char **name) {
  char buf[4096];
  if (strlen(dest) >= sizeof buf) return errno = ENAMETOOLONG, -1;
  strcpy(buf, dest);
  char *slash = strrchr(buf, '/');
  *name = strrchr(dest, '/') ? strrchr(dest, '/') + 1 : dest;
  if (!slash) return open_in_root(rootfd, "", O_PATH | O_DIRECTORY);
  *slash = 0;
  return ensure_in_root(rootfd, buf, 0);
}

static int mount_at(int rootfd, const struct plan_op *o, char *err, size_t errlen) {
  const char *src = o->f[0], *dest = o->f[1], *type = o->f[2], *data = o->f[4];
  unsigned long flags = strtoul(o->f[3], NULL, 10);
  unsigned long pflags = o->nf > 5 ? strtoul(o->f[5], NULL, 10) : 0;
  int bind = (flags & MS_BIND) != 0;
  int want_file = 0;
  if (bind) {
    struct stat st;
    if (stat(src, &st) < 0) return snprintf(err, errlen, "mount %s: source %s: %s", dest, src, strerror(errno)), -1;
    want_file = !S_ISDIR(st.st_mode);
  }
  int fd = ensure_in_root(rootfd, dest, want_file);
  if (fd < 0) return snprintf(err, errlen, "mount %s: destination: %s", dest, strerror(errno)), -1;
  char target[64];
  snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
  int rc;
  if (bind) {
    rc = mount(src, target, NULL, MS_BIND | (flags & MS_REC), NULL);
  } else {
    rc = mount(src, target, type, flags, data[0] ? data : NULL);
    if (rc < 0 && errno == EPERM && strcmp(type, "sysfs") == 0) {
      /* sysfs needs a network namespace of our own: share the host's, read-only, like runc */
      rc = mount("/sys", target, NULL, MS_BIND | MS_REC, NULL);
      flags = MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
      bind = 1;
    }
  }
  int e = errno;
  close(fd);
  if (rc < 0) return snprintf(err, errlen, "mount %s (%s): %s", dest, type[0] ? type : "bind", strerror(e)), -1;
  if ((bind && (flags & BIND_REMOUNT_FLAGS)) || pflags) {
    fd = open_in_root(rootfd, dest[0] == '/' ? dest + 1 : dest, O_PATH);
    if (fd < 0) return snprintf(err, errlen, "mount %s: reopen: %s", dest, strerror(errno)), -1;
    snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
    if (bind && (flags & BIND_REMOUNT_FLAGS))
      rc = mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | (flags & (BIND_REMOUNT_FLAGS | MS_REC)), NULL);
    if (rc == 0 && pflags) rc = mount(NULL, target, NULL, pflags, NULL);
    e = errno;
    close(fd);
    if (rc < 0) return snprintf(err, errlen, "mount %s: remount: %s", dest, strerror(e)), -1;
  }
  return 0;
}

static int remount_at(int rootfd, const struct plan_op *o, char *err, size_t errlen) {
  const char *dest = o->f[0];
  int fd = open_in_root(rootfd, dest[0] == '/' ? dest + 1 : dest, O_PATH);
  if (fd < 0) return snprintf(err, errlen, "remount %s: %s", dest, strerror(errno)), -1;
  char target[64];
  snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
  int rc = mount(NULL, target, NULL, MS_REMOUNT | strtoul(o->f[1], NULL, 10), NULL);
  int e = errno;
  close(fd);
  if (rc < 0) return snprintf(err, errlen, "remount %s: %s", dest, strerror(e)), -1;
  return 0;
}

static int mknod_at(int rootfd, const struct plan_op *o, char *err, size_t errlen) {
  const char *name;
  int parent = parent_in_root(rootfd, o->f[0], &name);
  if (parent < 0) return snprintf(err, errlen, "mknod %s: %s", o->f[0], strerror(errno)), -1;
  mode_t kind = o->f[1][0] == 'b' ? S_IFBLK : S_IFCHR;
  mode_t mode = (mode_t)strtoul(o->f[4], NULL, 8);
  dev_t dev = makedev(strtoul(o->f[2], NULL, 10), strtoul(o->f[3], NULL, 10));
  int rc = mknodat(parent, name, kind | mode, dev);
  int e = errno;
  close(parent);
  if (rc < 0 && e != EEXIST) return snprintf(err, errlen, "mknod %s: %s", o->f[0], strerror(e)), -1;
  return 0;
}

static int symlink_at(int rootfd, const struct plan_op *o, char *err, size_t errlen) {
  const char *name;
  int parent = parent_in_root(rootfd, o->f[1], &name);
  if (parent < 0) return snprintf(err, errlen, "symlink %s: %s", o->f[1], strerror(errno)), -1;
  int rc = symlinkat(o->f[0], parent, name);
  int e = errno;
  close(parent);
  if (rc < 0 && e != EEXIST) return snprintf(err, errlen, "symlink %s: %s", o->f[1], strerror(e)), -1;
  return 0;
}

static int mask_path(const char *path, char *err, size_t errlen) {
  struct stat st;
  if (stat(path, &st) < 0) return errno == ENOENT ? 0 : (snprintf(err, errlen, "linux.maskedPaths: %s: %s", path, strerror(errno)), -1);
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) : mount("/dev/null", path, NULL, MS_BIND, NULL);
  if (rc < 0) return snprintf(err, errlen, "linux.maskedPaths: %s: %s", path, strerror(errno)), -1;
  return 0;
}

static int readonly_path(const char *path, char *err, size_t errlen) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return errno == ENOENT ? 0 : (snprintf(err, errlen, "linux.readonlyPaths: %s: %s", path, strerror(errno)), -1);
  if (mount(path, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    return snprintf(err, errlen, "linux.readonlyPaths: %s: %s", path, strerror(errno)), -1;
  return 0;
}

int setup_rootfs(const struct plan *p, char *err, size_t errlen) {
  const char *rootfs = plan_get(p, "rootfs");
  if (!rootfs) return snprintf(err, errlen, "plan: no rootfs"), -1;
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) return snprintf(err, errlen, "make / rslave: %s", strerror(errno)), -1;
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return snprintf(err, errlen, "root.path: bind %s: %s", rootfs, strerror(errno)), -1;
  int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return snprintf(err, errlen, "root.path: %s: %s", rootfs, strerror(errno)), -1;
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    int rc = 0;
    if (strcmp(o->op, "mount") == 0 && o->nf >= 5) rc = mount_at(rootfd, o, err, errlen);
    else if (strcmp(o->op, "remount") == 0 && o->nf == 2) rc = remount_at(rootfd, o, err, errlen);
    else if (strcmp(o->op, "mknod") == 0 && o->nf == 5) rc = mknod_at(rootfd, o, err, errlen);
    else if (strcmp(o->op, "symlink") == 0 && o->nf == 2) rc = symlink_at(rootfd, o, err, errlen);
    if (rc < 0) return close(rootfd), -1;
  }
  close(rootfd);
  if (chdir(rootfs) < 0) return snprintf(err, errlen, "chdir rootfs: %s", strerror(errno)), -1;
  if (syscall(SYS_pivot_root, ".", ".") < 0) return snprintf(err, errlen, "pivot_root: %s", strerror(errno)), -1;
  if (umount2(".", MNT_DETACH) < 0) return snprintf(err, errlen, "detach old root: %s", strerror(errno)), -1;
  if (chdir("/") < 0) return snprintf(err, errlen, "chdir /: %s", strerror(errno)), -1;
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    if (strcmp(o->op, "sysctl") == 0 && o->nf == 2) {
      if (write_file(o->f[0], o->f[1]) < 0) return snprintf(err, errlen, "linux.sysctl: %s: %s", o->f[0], strerror(errno)), -1;
    } else if (strcmp(o->op, "hostname") == 0 && o->nf == 1) {
      if (sethostname(o->f[0], strlen(o->f[0])) < 0) return snprintf(err, errlen, "hostname: %s", strerror(errno)), -1;
    }
  }
  for (int i = 0; i < p->n; i++) {
    const struct plan_op *o = &p->ops[i];
    if (strcmp(o->op, "mask") == 0 && o->nf == 1 && mask_path(o->f[0], err, errlen) < 0) return -1;
    if (strcmp(o->op, "readonly") == 0 && o->nf == 1 && readonly_path(o->f[0], err, errlen) < 0) return -1;
  }
  const char *prop = plan_get(p, "propagation");
  if (prop && mount(NULL, "/", NULL, strtoul(prop, NULL, 10), NULL) < 0)
    return snprintf(err, errlen, "linux.rootfsPropagation: %s", strerror(errno)), -1;
  if (plan_find(p, "rootro") && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
    return snprintf(err, errlen, "root.readonly: %s", strerror(errno)), -1;
  return 0;
}
