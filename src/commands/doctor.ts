import { Flags } from '../cli/oclif.js';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { hostFlags, launcherFlag } from '../cli/flags.js';
import { bytes, seconds } from '../cli/render.js';
import { runDoctor, type DoctorReport } from '../runtime/doctor.js';

export default class Doctor extends DndCommand {
  static override summary = 'Is my MPI actually working? Report MPI, HDF5, launcher, Slurm and tensor backend, then start a real job.';

  static override description = prose`Shows the MPI library and standard, the mpiexec on PATH, whether dnd's native binding loads,
which MPI and HDF5 it was built with and which it runs against (and says so when they differ,
or when mpiexec belongs to another MPI), whether HDF5 is a parallel build, which launcher dnd
would use and why (mpiexec locally, srun inside a Slurm allocation, and which --mpi plugin),
your OMPI_MCA_* settings, and the tfjs backend that would be used. Then it starts a small real
job (-n ranks, default 2) that runs an MPI_Allreduce and reports the hosts it ran on. With
--hostfile or --host it shows the hosts dnd would use and spreads the check's ranks over them
(default: one rank per host, at least 2), so it proves that ranks start on each host and reach
each other. Exits 3 when a problem was found.`;

  static override examples = [
    { description: 'Check everything, starting a 2-rank job.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Inside a Slurm allocation: how would dnd start 8 ranks?', command: '<%= config.bin %> <%= command.id %> -n 8' },
    { description: 'Prove that ranks start on two hosts and talk across them.', command: '<%= config.bin %> <%= command.id %> --host node1:2,node2:2' },
    { description: 'Only report, start nothing.', command: '<%= config.bin %> <%= command.id %> --no-check --json' },
  ];

  static override flags = {
    nprocs: Flags.integer({ char: 'n', summary: 'Ranks for the live check (default 2, or $SLURM_NTASKS).', min: 1 }),
    launcher: launcherFlag,
    check: Flags.boolean({ summary: 'Start a real job to check MPI.', default: true, allowNo: true }),
    ...hostFlags,
  };

  async run(): Promise<DoctorReport> {
    const { flags } = await this.parse(Doctor);
    const r = await runDoctor({ nprocs: flags.nprocs, launcher: flags.launcher, check: flags.check, hosts: this.placement });
    if (!this.jsonEnabled()) this.log(this.render(r));
    if (!r.ok) process.exitCode = 3;
    return r;
  }

  private render(r: DoctorReport): string {
    const c = this.c;
    const good = (ok: boolean, s: string) => (ok ? c.green(`✔ ${s}`) : c.red(`✘ ${s}`));
    const row = (k: string, v: string) => `${c.bold(k.padEnd(14))} ${v}`;
    const lines = [
      row('node', `${r.node} ${r.platform}, ${r.cores} cores (${r.cpu}), ${bytes(r.memory_bytes)}`),
      row('MPI', r.mpi.running ? `runs ${r.mpi.running} (MPI ${r.mpi.standard}), built with ${r.mpi.built_with ?? '?'}` : c.red('unknown (binding not loaded)')),
      row('mpiexec', r.mpi.mpiexec ? `${r.mpi.mpiexec} — ${r.mpi.mpiexec_version ?? '?'}` : c.red('not on PATH')),
      row('binding', good(r.binding.loaded, r.binding.loaded ? `mpi-napi loads from ${r.binding.dir ?? '?'}` : (r.binding.error ?? 'does not load').split('\n')[0])),
      row('built with', r.binding.built ? `${r.binding.built.mpi} (${r.binding.built.mpicc ?? 'pkg-config'}), HDF5 ${r.binding.built.hdf5} for ${r.binding.built.hdf5_built_for} (${r.binding.built.hdf5_via})` : 'no record (built before builds were recorded: npm run build)'),
      row('HDF5', r.hdf5.version ? good(r.hdf5.parallel, `runs ${r.hdf5.version}${r.hdf5.parallel ? ', parallel (MPI-IO)' : ', NOT parallel'}, built with ${r.hdf5.built_with ?? '?'}`) : c.red('unknown')),
      row('libraries', r.binding.libraries.mpi.length ? [...r.binding.libraries.mpi, ...r.binding.libraries.hdf5].join(' ') : 'not known (no /proc)'),
      row('launcher', `${r.launcher.choice} for -n ${r.launcher.nprocs}: ${r.launcher.why}`),
      row('hosts', r.hosts ? `${r.hosts.hosts.map((h) => (h.slots === null ? h.host : `${h.host}:${h.slots}`)).join(', ')} (${r.hosts.from}${r.hosts.kind === 'hostfile' ? ` ${r.hosts.value}` : ''})` : 'this machine (no --hostfile, --host, $DND_HOSTFILE or $DND_HOST)'),
      row('Slurm', r.slurm.in_allocation ? `allocation ${r.slurm.job_id}, srun --mpi=${r.slurm.srun_mpi ?? 'default'}` : r.slurm.srun ? `not in an allocation (srun at ${r.slurm.srun}, --mpi=${r.slurm.srun_mpi ?? 'default'})` : 'not installed'),
      row('started as', r.outer_rank ? `rank ${r.outer_rank.rank} of ${r.outer_rank.size} (${r.outer_rank.via})` : 'a launcher (not a rank)'),
      row('OMPI_MCA_*', Object.keys(r.mca).length ? Object.entries(r.mca).map(([k, v]) => `${k}=${v}`).join(' ') : 'none set (dnd defaults pml=ob1, io=romio321 for local jobs)'),
      row('tensors', r.tensor.backend ? `${r.tensor.backend}` : 'no tfjs installed (optional: npm i @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu)'),
    ];
    if (r.check) {
      lines.push(row('live check', good(r.check.ok, r.check.ok ? `${r.check.nprocs} ranks via ${r.check.launcher} on ${r.check.hosts.join(', ')} in ${seconds(r.check.seconds)}` : (r.check.error ?? 'failed'))));
    }
    lines.push(r.ok ? c.green('no problems found') : c.red(`problems:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`));
    return lines.join('\n');
  }
}
