// `connect NETNS PORT`: the far end of a port-forward. Joins the network namespace pinned at NETNS,
// connects to localhost:PORT there (127.0.0.1, then ::1), reports "connected\n" on fd 3 (or
// "error MESSAGE\n" and exit 1), then relays stdin to the socket and the socket to stdout; the end
// of stdin half-closes the socket, and the process exits once the socket's peer closed too.
#include "skiff-native.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_report_fd = -1;

static int connect_fail(const char *msg) {
  char line[600];
  int n = snprintf(line, sizeof line, "error %s\n", msg);
  if (connect_report_fd >= 0) write_all(connect_report_fd, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
  else fprintf(stderr, "skiff-native connect: %s\n", msg);
  return 1;
}

static int dial_localhost(int port, char *err, size_t errlen) {
  struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, (struct sockaddr *)&v4, sizeof v4) == 0) return fd;
  int saved = errno;
  if (fd >= 0) close(fd);
  struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, (struct sockaddr *)&v6, sizeof v6) == 0) return fd;
  if (fd >= 0) close(fd);
  snprintf(err, errlen, "connect to localhost:%d: %s", port, strerror(saved));
  return -1;
}

/* copies what is readable on FROM to TO; 0 at end of input, -1 when TO is gone */
static int pump(int from, int to) {
  char buf[65536];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
  if (n == 0) return 0;
  return write_all(to, buf, (size_t)n) == 0 ? 1 : -1;
}

int connect_main(int argc, char **argv) {
  if (argc != 4) return fputs("usage: skiff-native connect NETNS PORT\n", stderr), 2;
  if (fcntl(3, F_GETFD) >= 0) {
    connect_report_fd = 3;
    fcntl(3, F_SETFD, FD_CLOEXEC);
  }
  char err[512];
  char *end = NULL;
  long port = strtol(argv[3], &end, 10);
  if (!end || *end || port < 1 || port > 65535) return snprintf(err, sizeof err, "port: invalid value \"%s\": must be 1-65535", argv[3]), connect_fail(err);
  int ns = open(argv[2], O_RDONLY | O_CLOEXEC);
  if (ns < 0) return snprintf(err, sizeof err, "open network namespace %s: %s", argv[2], strerror(errno)), connect_fail(err);
  if (setns(ns, CLONE_NEWNET) < 0) return snprintf(err, sizeof err, "join network namespace %s: %s", argv[2], strerror(errno)), connect_fail(err);
  close(ns);
  int sock = dial_localhost((int)port, err, sizeof err);
  if (sock < 0) return connect_fail(err);
  signal(SIGPIPE, SIG_IGN);
  if (connect_report_fd >= 0) {
    write_all(connect_report_fd, "connected\n", 10);
    close(connect_report_fd);
  }
  int in_open = 1, sock_open = 1;
  while (sock_open) {
    struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = in_open ? 0 : -1, .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      int r = pump(sock, 1);
      if (r <= 0) sock_open = 0;
    }
    if (in_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      int r = pump(0, sock);
      if (r == 0) {
        in_open = 0;
        shutdown(sock, SHUT_WR);
      } else if (r < 0) {
        break;
      }
    }
  }
  close(sock);
  return 0;
}
