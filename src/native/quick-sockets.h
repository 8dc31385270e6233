// See quick-sockets.cc. C linkage: the bench's C floor for launches calls it too
// (bench/c/hello.c), so that floor and dnd start and end MPI the same way.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

// Sets TCP_NODELAY on every TCP socket the process holds; returns how many it set.
int dnd_send_small_writes_at_once(void);

#ifdef __cplusplus
}
#endif
