// CVE-2019-5736: a container process must never be able to write the host's helper binary through
// /proc/self/exe. Before anything else the helper re-executes itself from a sealed memfd copy;
// a copy that is already sealed (F_SEAL_WRITE) is used as it is.
#include "skiff-native.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

void ensure_sealed_exe(char **argv) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) {
    perror("skiff-native: open /proc/self/exe");
    exit(1);
  }
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & F_SEAL_WRITE)) {
    close(self);
    return;
  }
  struct stat st;
  int memfd = memfd_create("skiff-native", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (memfd < 0 || fstat(self, &st) < 0) {
    perror("skiff-native: memfd_create");
    exit(1);
  }
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(memfd, self, &off, (size_t)(st.st_size - off));
    if (n <= 0) {
      perror("skiff-native: copy into memfd");
      exit(1);
    }
  }
  close(self);
  if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    perror("skiff-native: seal memfd");
    exit(1);
  }
  fexecve(memfd, argv, environ);
  perror("skiff-native: fexecve sealed copy");
  exit(1);
}
