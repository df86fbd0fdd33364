// Reads a plan: one step per line, "op field field ...", fields separated by single spaces and
// percent-encoded (%20 space, %25 percent, %0A newline, ...); a lone "=" is the empty field.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int decode(char *s) {
  if (s[0] == '=' && s[1] == 0) {
    s[0] = 0;
    return 0;
  }
  char *w = s;
  for (char *r = s; *r; r++) {
    if (*r == '%') {
      int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
      if (hi < 0 || lo < 0) return -1;
      *w++ = (char)(hi * 16 + lo);
      r += 2;
    } else {
      *w++ = *r;
    }
  }
  *w = 0;
  return 0;
}

int plan_parse(char *text, struct plan *out, char *err, size_t errlen) {
  int cap = 64;
  out->n = 0;
  out->ops = calloc((size_t)cap, sizeof *out->ops);
  if (!out->ops) return snprintf(err, errlen, "plan: out of memory"), -1;
  int lineno = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    if (line[0] == 0 || line[0] == '#') continue;
    if (out->n == cap) {
      cap *= 2;
      struct plan_op *ops = realloc(out->ops, (size_t)cap * sizeof *ops);
      if (!ops) return snprintf(err, errlen, "plan: out of memory"), -1;
      out->ops = ops;
    }
    struct plan_op *op = &out->ops[out->n];
    memset(op, 0, sizeof *op);
    char *fs = NULL;
    op->op = strtok_r(line, " ", &fs);
    for (char *f = strtok_r(NULL, " ", &fs); f; f = strtok_r(NULL, " ", &fs)) {
      if (op->nf == PLAN_MAX_FIELDS) return snprintf(err, errlen, "plan line %d: too many fields", lineno), -1;
      if (decode(f) < 0) return snprintf(err, errlen, "plan line %d: bad encoding", lineno), -1;
      op->f[op->nf++] = f;
    }
    out->n++;
  }
  return 0;
}

int plan_load(const char *path, struct plan *out, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return snprintf(err, errlen, "open plan %s: %s", path, strerror(errno)), -1;
  size_t cap = 8192, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) return close(fd), snprintf(err, errlen, "plan: out of memory"), -1;
    if (len + 1 >= cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      continue;
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return close(fd), snprintf(err, errlen, "read plan %s: %s", path, strerror(errno)), -1;
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = 0;
  return plan_parse(buf, out, err, errlen);
}

const struct plan_op *plan_find(const struct plan *p, const char *op) {
  for (int i = 0; i < p->n; i++)
    if (strcmp(p->ops[i].op, op) == 0) return &p->ops[i];
  return NULL;
}

const char *plan_get(const struct plan *p, const char *op) {
  const struct plan_op *o = plan_find(p, op);
  return o && o->nf > 0 ? o->f[0] : NULL;
}
