/* The floor for launch figures: MPI_Init, one Allgather, MPI_Finalize. Built with
 * src/native/quick-sockets.cc and calling it as dnd's binding does (unless DND_NAGLE=1):
 * without it every rank's MPI_Finalize waits 40 ms on a delayed ACK, here as in dnd. */
#include <mpi.h>
#include <stdlib.h>

#include "../../src/native/quick-sockets.h"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (!dnd_keep_nagle()) dnd_send_small_writes_at_once(NULL, 0); /* every TCP socket here is MPI's */
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int* all = malloc(sizeof(int) * size);
  MPI_Allgather(&rank, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
  free(all);
  MPI_Finalize();
  return 0;
}
