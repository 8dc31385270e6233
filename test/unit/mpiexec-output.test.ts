/**
 * mpiexec's words in both dialects, as they were printed by Debian's Open MPI 4.1.4 and
 * MPICH 4.0.2 (Hydra) on this machine. The same cases run for real, under each mpiexec,
 * in test/e2e/failures.test.ts and test/mpich/*.test.ts; here the edges of the parsing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deathFromMpiexec, firstMeaningfulLine, StdoutSplitter } from '../../src/runtime/mpiexec-output.js';
import { hydraJobId, outerJobToken } from '../../src/runtime/detect.js';
import { mpiName } from '../../src/runtime/mpi-flavor.js';

const HYDRA_BANNER = `
===================================================================================
=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES
=   PID 1774 RUNNING AT vm
=   EXIT CODE: 9
=   CLEANING UP REMAINING PROCESSES
=   YOU CAN IGNORE THE BELOW CLEANUP MESSAGES
===================================================================================
YOUR APPLICATION TERMINATED WITH THE EXIT STRING: Killed (signal 9)
This typically refers to a problem with your application.
Please see the FAQ page for debugging suggestions`.split('\n');

describe("Hydra's banner on stdout", () => {
  it('never passes through, the ranks own lines (blank ones too) do', () => {
    const s = new StdoutSplitter();
    const out = [...['rank says hi', '', 'after a blank'].flatMap((l) => s.push(l)), ...HYDRA_BANNER.flatMap((l) => s.push(l)), ...s.push('{"json": 1}'), ...s.push(''), ...s.end()];
    assert.deepEqual(out, ['rank says hi', '', 'after a blank', '{"json": 1}', '']);
    assert.equal(s.banner.length, HYDRA_BANNER.length - 1, 'all but the blank line before it');
  });

  it("-print-all-exitcodes: the rank whose code is the real signal, not the one Hydra's PID line names", () => {
    // rank 1 segfaulted; Hydra killed rank 0 (9) and lists it first in its PID line
    const seg = [...HYDRA_BANNER.slice(1, 7), '[mpiexec@vm] Exit codes: [vm] 9,11,0 [n02] 9,0', 'YOUR APPLICATION TERMINATED WITH THE EXIT STRING: Segmentation fault (signal 11)'];
    const pids = [{ rank: 0, pid: 1774, host: 'vm' }, { rank: 1, pid: 1775, host: 'vm' }, { rank: 2, pid: 1776, host: 'vm' }, { rank: 3, pid: 10, host: 'n02' }, { rank: 4, pid: 11, host: 'n02' }];
    assert.equal(deathFromMpiexec('', seg, pids), 'rank 1 (vm) was killed by signal 11 (Segmentation fault)');
    const kill = [...HYDRA_BANNER.slice(1, 7), '[mpiexec@vm] Exit codes: [vm] 9,0,9 [n02] 9,0', ...HYDRA_BANNER.slice(8)];
    assert.equal(deathFromMpiexec('', kill, pids), "one of ranks 0, 2, 3 (vm, n02) was killed by signal 9 (Killed); Hydra stops the others with the same signal, so it cannot tell which");
    const s = new StdoutSplitter();
    assert.deepEqual(s.push('[mpiexec@vm] Exit codes: [vm] 9,11,0'), [], 'kept off stdout too');
  });

  it('names the rank and host from the PID the ranks announced', () => {
    assert.equal(deathFromMpiexec('', HYDRA_BANNER, [{ rank: 0, pid: 1773, host: 'vm' }, { rank: 1, pid: 1774, host: 'n02' }]), 'rank 1 (n02) was killed by signal 9 (Killed)');
    assert.equal(deathFromMpiexec('', HYDRA_BANNER, []), 'a rank (PID 1774 on vm) was killed by signal 9 (Killed)');
  });
});

describe("Open MPI's boxes on stderr", () => {
  it('a killed rank and a rank that exited', () => {
    const killed = 'mpiexec noticed that process rank 2 with PID 0 on node n01 exited on signal 9 (Killed).';
    assert.equal(deathFromMpiexec(killed), 'rank 2 (n01) was killed by signal 9 (Killed)');
    const exited = 'The first process to do so was:\n\n  Process name: [[4242,1],1]\n  Exit code:    7\n';
    assert.equal(deathFromMpiexec(exited), 'rank 1 exited with code 7 before the job finished');
    assert.equal(deathFromMpiexec('nothing to see'), null);
  });
});

describe("mpiexec's first meaningful line", () => {
  it("Hydra: the cause, without the location prefix and not the generic lines after it", () => {
    const lines = [
      '[mpiexec@vm] HYDU_create_process (utils/launch/launch.c:73): execvp error on file /opt/x/hydra_pmi_proxy (No such file or directory)',
      '[mpiexec@vm] HYD_pmcd_pmiserv_proxy_init_cb (pm/pmiserv/pmiserv_cb.c:446): assert (!closed) failed',
      '[mpiexec@vm] main (ui/mpich/mpiexec.c:325): process manager error waiting for completion',
    ];
    assert.equal(firstMeaningfulLine(lines), 'execvp error on file /opt/x/hydra_pmi_proxy (No such file or directory)');
  });
  it("Open MPI: a help box's first paragraph as one line, boilerplate skipped", () => {
    const lines = ['-------------------------------------------------------', 'Primary job  terminated normally, but 1 process returned', 'a non-zero exit code. Per user-direction, the job has been aborted.', '-------------------------------------------------------', '--------------------------------------------------------------------------', 'mpiexec was unable to launch the specified application as it could not access', 'or execute an executable:', '', 'Executable: /x'];
    assert.equal(firstMeaningfulLine(lines), 'mpiexec was unable to launch the specified application as it could not access or execute an executable:');
    assert.equal(firstMeaningfulLine(['', '-----']), null);
  });
});

describe('which MPI a text is about', () => {
  const cases: [string, string, string | null, string][] = [
    ['Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, repo rev: v4.1.4, May 26, 2022', 'Open MPI', '4.1.4', 'openmpi'],
    ['mpiexec (OpenRTE) 4.1.4\n\nReport bugs to http://www.open-mpi.org/community/help/', 'Open MPI', '4.1.4', 'openmpi'],
    ['MPICH Version:\t4.0.2\nMPICH Release date:\tThu Apr  7 12:34:45 CDT 2022\nMPICH ABI:\t14:2:2', 'MPICH', '4.0.2', 'mpich'],
    ['HYDRA build details:\n    Version:                                 4.0.2\n    Release Date:  Thu Apr  7', 'MPICH', '4.0.2', 'mpich'],
    ['Intel(R) MPI Library for Linux* OS, Version 2021.6 Build 20220227 (id: 28877f3f32)', 'Intel MPI', '2021.6', 'mpich'],
    ['MPI VERSION    : CRAY MPICH version 8.1.26.1 (ANL base 3.4a2)', 'Cray MPICH', '8.1.26.1', 'mpich'],
    ['MPICH 4.0.2', 'MPICH', '4.0.2', 'mpich'],
  ];
  for (const [text, name, version, family] of cases) {
    it(`${name} ${version} from "${text.split('\n')[0].slice(0, 40)}…"`, () => {
      assert.deepEqual(mpiName(text), { name, version, family });
    });
  }
});

describe('outer job tokens', () => {
  const proxy = ['/usr/bin/hydra_pmi_proxy', '--control-port', 'vm:35335', '--rmk', 'user', '--pgid', '0', '--proxy-id', '0'];
  it("under Hydra: from the proxy's control port, the same on every rank, distinct per job", () => {
    assert.equal(hydraJobId(proxy), 'hydra-vm:35335-0');
    assert.equal(outerJobToken({ PMI_RANK: '1', PMI_SIZE: '2' }, () => proxy), 'hydra-vm_35335-0');
    assert.notEqual(outerJobToken({ PMI_RANK: '1' }, () => proxy), outerJobToken({ PMI_RANK: '1' }, () => ['x', '--control-port', 'vm:40001']));
  });
  it("the launcher's own ids win; nothing known gives 'outer'", () => {
    assert.equal(outerJobToken({ PMIX_NAMESPACE: 'prterun-vm-1@1', PMI_RANK: '0' }, () => proxy), 'prterun-vm-1_1');
    assert.equal(outerJobToken({ PMI_RANK: '0' }, () => ['node', 'x.js']), 'outer');
  });
});
