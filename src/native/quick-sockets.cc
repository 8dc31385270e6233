// TCP_NODELAY on the TCP sockets MPI_Init opened.
//
// Open MPI's PMIx client talks to its local server (mpiexec or the host's daemon) over a
// TCP socket on loopback without TCP_NODELAY. MPI_Finalize sends the server a few small
// messages back to back: the second waits, by Nagle's rule, for the first to be
// acknowledged, and the server acknowledges only when its delayed-ACK timer fires, 40 ms
// later. Measured with strace: every rank's MPI_Finalize took 45 ms, of which 40 were that
// wait; with the option set it takes 2-3 ms (bench/RESULTS.md, "Fourth session"). Setting it on a
// socket only sends small writes at once instead of coalescing them; MPI's own TCP
// transport sets it anyway. Only sockets MPI_Init opened are touched (a user script's own
// connections are not MPI's business); sockets that are not TCP are left alone; any
// failure is ignored (the job is then as before, 40 ms slower at its end).
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <stdlib.h>

#include "quick-sockets.h"

// Calls each(fd) for every open descriptor but the listing's own; false where the
// descriptors cannot be listed (not Linux).
template <typename Each>
static bool EachFd(Each each) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return false;
  while (struct dirent* e = readdir(dir)) {
    char* end = nullptr;
    long fd = strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    each(static_cast<int>(fd));
  }
  closedir(dir);
  return true;
}

static int CompareInts(const void* a, const void* b) {
  int x = *static_cast<const int*>(a), y = *static_cast<const int*>(b);
  return x < y ? -1 : x > y;
}

int dnd_list_fds(int* out, int max) {
  int n = 0;
  if (!EachFd([&](int fd) {
        if (n < max) out[n] = fd;
        n++;
      }))
    return -1;
  return n;
}

int dnd_send_small_writes_at_once(const int* skip, int nskip) {
  int changed = 0;
  EachFd([&](int fd) {
    if (nskip > 0 && bsearch(&fd, skip, static_cast<size_t>(nskip), sizeof(int), CompareInts)) return;
    int domain = 0, type = 0;
    socklen_t len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) return;  // not a socket
    if (domain != AF_INET && domain != AF_INET6) return;
    len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return;
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) changed++;
  });
  return changed;
}

int dnd_keep_nagle(void) {
  const char* v = getenv("DND_NAGLE");
  return v != nullptr && v[0] != '\0' && !(v[0] == '0' && v[1] == '\0');
}
