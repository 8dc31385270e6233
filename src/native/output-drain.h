// Waiting until what this process wrote to its stdout and stderr has been taken by the
// reader on the other end (the launcher's proxy), before MPI_Abort.
//
// Why: a rank that fails writes its error record to stderr and then calls MPI_Abort.
// MPICH's Hydra proxy reads the rank's stderr pipe and its PMI socket in one event loop;
// when both are ready it may handle the abort first, kill the job and never forward the
// bytes still in the pipe, and the launcher is left with no record of which rank failed
// (about one run in five here). Once the pipe is empty the proxy has read the record and
// forwarded it on its one upstream socket, ahead of the abort.
#pragma once

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

namespace mpinapi {

// Bytes written to fd that its reader has not taken yet: a pipe's content (FIONREAD
// answers on either end) or a socket's unsent or unread queue (SIOCOUTQ); 0 for anything
// else (a file, a terminal) or when it cannot be told.
inline int UnreadOutput(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return 0;
  int n = 0;
  if (S_ISFIFO(st.st_mode)) return ioctl(fd, FIONREAD, &n) == 0 ? n : 0;
  if (S_ISSOCK(st.st_mode)) return ioctl(fd, SIOCOUTQ, &n) == 0 ? n : 0;
  return 0;
}

// Waits, at most max_ms, until stdout and stderr have no unread bytes. Bounded: a reader
// that stopped reading (a paused pager) must not keep a failed job alive.
inline void WaitForOutputTaken(int max_ms) {
  const struct timespec step = {0, 1000000};  // 1 ms
  for (int waited = 0; waited < max_ms; waited++) {
    if (UnreadOutput(1) == 0 && UnreadOutput(2) == 0) return;
    nanosleep(&step, nullptr);
  }
}

}  // namespace mpinapi
