/**
 * A bad OMPI_MCA_* setting is named whichever of its two messages Open MPI prints: the box
 * naming the missing component, or (when that one loses the race) only "MPI_INIT failed …
 * mca_pml_base_open() failed". Both samples are Open MPI 4.1's own words; the components
 * come from this machine's ompi_info.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainMpiexecFailure } from '../../src/runtime/mpi-errors.js';

const NOT_FOUND = `--------------------------------------------------------------------------
A requested component was not found, or was unable to be opened.  This
means that this component is either not installed or is unable to be
used on your system (e.g., sometimes this means that shared libraries
that the component requires are unable to be found/loaded).  Note that
Open MPI stopped checking at the first component that it did not find.

Host:      vm
Framework: pml
Component: garbage
--------------------------------------------------------------------------`;

const INIT_FAILED = `--------------------------------------------------------------------------
It looks like MPI_INIT failed for some reason; your parallel process is
likely to abort.  There are many reasons that a parallel process can
fail during MPI_INIT; some of which are due to configuration or environment
problems.  This failure appears to be an internal failure; here's some
additional information (which may only be relevant to an Open MPI
developer):

  mca_pml_base_open() failed
  --> Returned "Not found" (-13) instead of "Success" (0)
--------------------------------------------------------------------------`;

describe('a bad MCA setting is named, whichever message Open MPI printed', () => {
  for (const [what, text] of [['component not found', NOT_FOUND], ['MPI_INIT failed', INIT_FAILED]]) {
    it(what, () => {
      const r = explainMpiexecFailure(text, { ...process.env, OMPI_MCA_pml: 'garbage' });
      assert.match(r.message ?? '', /^OMPI_MCA_pml=garbage: this Open MPI has no pml component "garbage" \(it has .*ob1.*\)/);
    });
  }

  it('MPI_INIT failed without a bad setting: Open MPI\'s own words, no invented cause', () => {
    const r = explainMpiexecFailure(INIT_FAILED, { ...process.env, OMPI_MCA_pml: undefined });
    assert.equal(r.message, undefined);
    assert.match(r.summary ?? '', /^It looks like MPI_INIT failed/);
  });
});
