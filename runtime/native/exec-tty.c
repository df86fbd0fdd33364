// The terminal half of `exec --tty`: a pseudo-terminal opened inside the container (its /dev/ptmx,
// after the mount namespace was joined), the exec'd process as its session leader with the slave
// as stdin/stdout/stderr, and the helper relaying between the master and its own stdio. Window
// sizes arrive on the report channel (fd 3) as "resize COLS ROWS\n" lines.
#define _GNU_SOURCE
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int pty_open_master(char *err, size_t errlen) {
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return snprintf(err, errlen, "open a terminal (/dev/ptmx in the container): %s", strerror(errno)), -1;
  if (grantpt(m) < 0 || unlockpt(m) < 0) {
    snprintf(err, errlen, "unlock the terminal: %s", strerror(errno));
    close(m);
    return -1;
  }
  return m;
}

int pty_attach_slave(int master, char *err, size_t errlen) {
  char name[128];
  if (ptsname_r(master, name, sizeof name) != 0) return snprintf(err, errlen, "terminal name: %s", strerror(errno)), -1;
  if (setsid() < 0) return snprintf(err, errlen, "setsid: %s", strerror(errno)), -1;
  int s = open(name, O_RDWR);
  if (s < 0) return snprintf(err, errlen, "open %s: %s", name, strerror(errno)), -1;
  if (ioctl(s, TIOCSCTTY, 0) < 0) return snprintf(err, errlen, "make %s the controlling terminal: %s", name, strerror(errno)), -1;
  for (int fd = 0; fd < 3; fd++)
    if (dup2(s, fd) < 0) return snprintf(err, errlen, "dup2 terminal: %s", strerror(errno)), -1;
  if (s > 2) close(s);
  close(master);
  return 0;
}

static void apply_resizes(int master, char *buf, size_t *len) {
  char *line = buf, *nl;
  while ((nl = memchr(line, '\n', *len - (size_t)(line - buf))) != NULL) {
    *nl = 0;
    unsigned cols = 0, rows = 0;
    if (sscanf(line, "resize %u %u", &cols, &rows) == 2 && cols > 0 && rows > 0 && cols < 65536 && rows < 65536) {
      struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
      ioctl(master, TIOCSWINSZ, &ws);
    }
    line = nl + 1;
  }
  size_t rest = *len - (size_t)(line - buf);
  memmove(buf, line, rest);
  *len = rest;
}

void pty_relay(int master, int control_fd) {
  char buf[65536], ctl[256];
  size_t ctl_len = 0;
  int in_open = 1;
  for (;;) {
    struct pollfd p[3] = {
      {.fd = master, .events = POLLIN},
      {.fd = in_open ? 0 : -1, .events = POLLIN},
      {.fd = control_fd, .events = POLLIN},
    };
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0 && errno != EINTR && errno != EAGAIN) return; /* EIO: the last holder of the slave is gone */
      if (n > 0 && write_all(1, buf, (size_t)n) < 0) return;
    }
    if (in_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) in_open = 0;
      else if (write_all(master, buf, (size_t)n) < 0) return;
    }
    if (control_fd >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(control_fd, ctl + ctl_len, sizeof ctl - 1 - ctl_len);
      if (n <= 0) control_fd = -1;
      else {
        ctl_len += (size_t)n;
        apply_resizes(master, ctl, &ctl_len);
        if (ctl_len >= sizeof ctl - 1) ctl_len = 0; /* a line too long to be a resize */
      }
    }
  }
}
