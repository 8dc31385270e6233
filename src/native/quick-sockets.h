// See quick-sockets.cc. C linkage: the bench's C floor for launches calls it too
// (bench/c/hello.c), so that floor and dnd start and end MPI the same way.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

// Writes the process's open file descriptors into out (at most max of them); returns how
// many there are (which may exceed max), or -1 where they cannot be listed.
int dnd_list_fds(int* out, int max);

// Sets TCP_NODELAY on every TCP socket the process holds except those in skip[0..nskip),
// sorted ascending (the descriptors that existed before MPI_Init: not MPI's); returns how
// many it set.
int dnd_send_small_writes_at_once(const int* skip, int nskip);

// Whether DND_NAGLE asks to leave MPI's sockets as they are: set, not empty and not "0".
int dnd_keep_nagle(void);

#ifdef __cplusplus
}
#endif
