/**
 * `dnd doctor`: what is installed, what dnd would do, and whether MPI really starts
 * parallel ranks here. Each probe reports instead of throwing.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { chooseLauncher, defaultNprocs, inSlurmAllocation, outerRank, which } from './detect.js';
import { launch, mpiexecCommand } from './launcher.js';
import { nativeBuildInfo, nativeDir, rebuildAdvice, tryLoadNative } from '../native/index.js';
import { familyOfLibrary, label, loadedLibraries, mpiName } from './mpi-flavor.js';
import { srunMpiPlugin } from './slurm.js';
import { availableTensorBackend } from './tensor.js';
import type { HelloReport } from './jobs/hello.js';
import { launcherForHosts, totalSlots, type HostPlacement } from './hosts.js';

export interface DoctorReport {
  command: 'doctor';
  ok: boolean;
  node: string;
  platform: string;
  cores: number;
  cpu: string;
  memory_bytes: number;
  /** running: the MPI library loaded (MPI_Get_library_version); built_with: the mpi.h the
   * binding was compiled against; mpiexec_version: the MPI that mpiexec belongs to */
  mpi: { library: string | null; running: string | null; built_with: string | null; standard: string | null; mpiexec: string | null; mpiexec_version: string | null };
  /** dir: where the modules were loaded from; built: what scripts/build.sh recorded;
   * libraries: the MPI and HDF5 shared libraries mapped into this process */
  binding: {
    loaded: boolean;
    error: string | null;
    dir: string | null;
    built: { mpi: string; mpicc: string | null; hdf5: string; hdf5_via: string; hdf5_built_for: string } | null;
    libraries: { mpi: string[]; hdf5: string[] };
  };
  /** version: the library loaded; built_with: the hdf5.h compiled against */
  hdf5: { version: string | null; built_with: string | null; parallel: boolean };
  launcher: { nprocs: number; choice: string; why: string };
  /** --hostfile / --host (or $DND_HOSTFILE / $DND_HOST): the hosts dnd would start ranks on */
  hosts: { from: string; kind: 'hostfile' | 'host'; value: string; hosts: { host: string; slots: number | null }[] } | null;
  slurm: { in_allocation: boolean; job_id: string | null; srun: string | null; srun_mpi: string | null };
  outer_rank: { via: string; rank: number; size: number } | null;
  mca: Record<string, string>;
  tensor: { backend: string | null; installed: string[] };
  check: { nprocs: number; launcher: string; ok: boolean; seconds: number; hosts: string[]; error: string | null } | null;
  problems: string[];
}

function allOutput(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  } catch {
    return null;
  }
}

type Named = ReturnType<typeof mpiName>;

/** Every way the binding's MPI and HDF5 disagree with each other or with mpiexec. */
function mismatches(x: {
  running: Named | null;
  compiled: Named | null;
  launcherMpi: Named | null;
  mpiexec: string | null;
  usesMpiexec: boolean;
  built: ReturnType<typeof nativeBuildInfo>;
  libraries: { mpi: string[]; hdf5: string[] };
  h5: { version: string; builtWith: string } | null;
}): string[] {
  const out: string[] = [];
  const { running, compiled, launcherMpi } = x;
  const rebuild = 'rebuild with the MPI you mean (MPICC=… bash scripts/build.sh; README: Choosing an MPI)';
  if (running && compiled && running.family !== compiled.family && running.family !== 'unknown' && compiled.family !== 'unknown') {
    out.push(`MPI mismatch: the binding was built with ${label(compiled)} but runs against ${label(running)} (LD_LIBRARY_PATH or a different module?): ${rebuild}`);
  }
  const families = new Set(x.libraries.mpi.map(familyOfLibrary).filter((f) => f !== 'unknown'));
  if (families.size > 1) out.push(`MPI mix: this process loads ${x.libraries.mpi.join(' and ')}; the HDF5 was built for another MPI than the binding: ${rebuild}`);
  const hdf5For = x.built?.hdf5.built_for;
  if (compiled && hdf5For && hdf5For !== 'unknown' && compiled.family !== 'unknown' && hdf5For !== compiled.family) {
    out.push(`HDF5 mismatch: the binding's HDF5 (${x.built?.hdf5.via}) was built for ${hdf5For}, its MPI is ${label(compiled)}: ${rebuild}`);
  }
  if (x.h5 && x.h5.builtWith !== x.h5.version) out.push(`HDF5 mismatch: the binding was built with HDF5 ${x.h5.builtWith} but loads HDF5 ${x.h5.version}: ${rebuild}`);
  if (x.usesMpiexec && x.mpiexec && launcherMpi && running && launcherMpi.family !== 'unknown' && running.family !== 'unknown' && launcherMpi.family !== running.family) {
    out.push(`launcher mismatch: ${x.mpiexec} belongs to ${label(launcherMpi)} but the binding runs ${label(running)}; each rank would be a world of 1: set DND_MPIEXEC to ${running.name}'s mpiexec`);
  }
  return out;
}

export async function runDoctor(opts: { nprocs?: number; launcher: 'auto' | 'mpiexec' | 'srun' | 'none'; check: boolean; hosts?: HostPlacement | null }): Promise<DoctorReport> {
  const problems: string[] = [];
  const { binding, h5: h5mod, error } = tryLoadNative();
  const versions = binding ? binding.versions() : null;
  const h5 = h5mod ? h5mod.h5Version() : null;
  if (!binding) problems.push(`the native binding does not load: ${rebuildAdvice().build}`);
  if (h5 && !h5.parallel) problems.push('HDF5 is not a parallel build: install libhdf5-openmpi-dev and rebuild');
  const mpiexecCmd = mpiexecCommand(process.env);
  const mpiexec = which(mpiexecCmd);
  if (!mpiexec) problems.push(`${mpiexecCmd} is not on PATH: install openmpi-bin or module load openmpi`);
  const hosts = opts.hosts ?? null;
  // with hosts named, one rank per host at least, spread over them: the check then proves
  // that ranks start on each host and talk to each other across them
  const nprocs = opts.nprocs ?? Math.max(2, hosts ? Math.min(hosts.hosts.length, totalSlots(hosts) ?? Infinity) : defaultNprocs());
  const launcher = launcherForHosts(opts.launcher, hosts);
  const decision = chooseLauncher(launcher, nprocs);
  if (hosts) decision.why = `${hosts.from} ${hosts.value}: mpiexec places ${nprocs} rank(s) on ${hosts.hosts.map((h) => h.host).join(', ')}, one host after another`;
  // built with, running against, started by: one MPI family, or say which differ
  const built = nativeBuildInfo();
  const running = versions ? mpiName(versions.mpiLibrary) : null;
  const compiled = versions ? mpiName(versions.builtWith) : null;
  const mpiexecText = mpiexec ? allOutput(mpiexec, ['--version']) : null;
  const launcherMpi = mpiexecText ? mpiName(mpiexecText) : null;
  const libraries = loadedLibraries();
  problems.push(...mismatches({ running, compiled, launcherMpi, mpiexec, usesMpiexec: decision.launcher === 'mpiexec', built, libraries, h5 }));
  const srun = which('srun');
  const mca: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('OMPI_MCA_') && v !== undefined) mca[k] = v;
  let check: DoctorReport['check'] = null;
  if (opts.check && binding && (mpiexec || decision.launcher !== 'mpiexec')) {
    const t0 = performance.now();
    try {
      const run = await launch<HelloReport>({ op: 'hello' }, { nprocs, launcher, color: false, timeoutS: 60, hosts, spread: Boolean(hosts) });
      const r = run.result;
      const seen = [...new Set(r.ranks.map((k) => k.host))];
      let ok = r.size === nprocs && r.allreduceOk;
      if (!ok) problems.push(`the live check started ${r.size} rank(s) instead of ${nprocs}`);
      const want = hosts ? Math.min(nprocs, hosts.hosts.length) : 0;
      if (hosts && seen.length < want) {
        ok = false;
        problems.push(`the live check's ${nprocs} ranks ran on ${seen.join(', ')}: expected ${want} different hosts of ${hosts.hosts.map((h) => h.host).join(', ')}`);
      }
      check = { nprocs, launcher: run.launcher, ok, seconds: run.totalSeconds, hosts: seen, error: null };
    } catch (e) {
      problems.push(`the live check failed: ${(e as Error).message}`);
      check = { nprocs, launcher: decision.launcher, ok: false, seconds: (performance.now() - t0) / 1000, hosts: [], error: (e as Error).message };
    }
  }
  const tensor = availableTensorBackend();
  return {
    command: 'doctor',
    ok: problems.length === 0,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_bytes: totalmem(),
    mpi: {
      library: versions?.mpiLibrary ?? null,
      running: running ? label(running) : null,
      built_with: versions?.builtWith ?? null,
      standard: versions?.mpiStandard ?? null,
      mpiexec,
      mpiexec_version: launcherMpi ? `${label(launcherMpi)}${/HYDRA/.test(mpiexecText ?? '') ? ' (Hydra)' : ''}` : null,
    },
    binding: {
      loaded: Boolean(binding),
      error,
      dir: nativeDir(),
      built: built
        ? { mpi: `${built.mpi.name}${built.mpi.version ? ` ${built.mpi.version}` : ''}`, mpicc: built.mpi.mpicc, hdf5: built.hdf5.version ?? 'unknown', hdf5_via: built.hdf5.via, hdf5_built_for: built.hdf5.built_for }
        : null,
      libraries,
    },
    hdf5: { version: h5?.version ?? null, built_with: h5?.builtWith ?? null, parallel: h5?.parallel ?? false },
    launcher: { nprocs, choice: decision.launcher, why: decision.why },
    hosts: hosts ? { from: hosts.from, kind: hosts.kind, value: hosts.value, hosts: hosts.hosts } : null,
    slurm: { in_allocation: inSlurmAllocation(), job_id: process.env.SLURM_JOB_ID ?? null, srun, srun_mpi: srun ? srunMpiPlugin() : null },
    outer_rank: outerRank(),
    mca,
    tensor: { backend: tensor.backend, installed: [...tensor.installed] },
    check,
    problems,
  };
}
