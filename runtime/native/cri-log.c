// The CRI log format the kubelet reads: "<RFC3339Nano> <stream> <F|P> <text>\n" per line; a line
// longer than 16 KiB is cut into P (partial) parts, and text left without a newline at EOF is
// written as P.
#include "skiff-native.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void log_line(int log_fd, struct stream *s, const char *data, size_t len, char tag) {
  if (log_fd < 0) return;
  char head[96];
  format_rfc3339nano(head, 48);
  size_t hl = strlen(head);
  hl += (size_t)snprintf(head + hl, sizeof head - hl, " %s %c ", s->name, tag);
  struct iovec iov[3] = {{head, hl}, {(void *)data, len}, {"\n", 1}};
  writev(log_fd, iov, 3);
}

/* reads what is there; returns 0 at EOF */
int log_pump(int log_fd, struct stream *s) {
  ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
  if (n == 0) {
    if (s->len) log_line(log_fd, s, s->buf, s->len, 'P');
    s->len = 0;
    return 0;
  }
  s->len += (size_t)n;
  size_t start = 0;
  for (size_t i = 0; i < s->len; i++) {
    if (s->buf[i] != '\n') continue;
    log_line(log_fd, s, s->buf + start, i - start, 'F');
    start = i + 1;
  }
  if (start == 0 && s->len == sizeof s->buf) {
    log_line(log_fd, s, s->buf, s->len, 'P');
    start = s->len;
  }
  memmove(s->buf, s->buf + start, s->len - start);
  s->len -= start;
  return 1;
}

