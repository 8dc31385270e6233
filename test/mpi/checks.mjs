// The verdicts of a rank script that an e2e test runs under mpiexec: a case passes only
// when it passes on every rank (check() is collective: every rank calls it in the same
// order), and rank 0 keeps the names of the cases that failed somewhere.
export function collectiveChecks(comm) {
  const failures = [];
  let cases = 0;
  return {
    failures,
    get cases() {
      return cases;
    },
    check(ok, what) {
      cases++;
      if (comm.allreduceNumber(ok ? 1 : 0, 'min') !== 1 && comm.rank === 0) failures.push(what);
    },
  };
}
