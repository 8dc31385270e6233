/**
 * What a rank's own output looks like is the launcher's decision (JobEnvelope.color), never
 * the rank's: under Open MPI every rank's stdout is a pseudo-terminal even when dnd's stdout
 * is a file, so Node's console would colour `console.log({ a: 1 })` into that file; under
 * srun it is a pipe even when dnd's stdout is a terminal. Node's console, util.inspect and
 * chalk all read these variables when they print, so setting them before the job (and the
 * user's script) starts is enough.
 */
export function applyColorChoice(color: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (color) {
    delete env.NO_COLOR;
    delete env.NODE_DISABLE_COLORS;
    env.FORCE_COLOR ??= '1';
  } else {
    // FORCE_COLOR beside NO_COLOR makes Node print a warning: leave only the one that holds
    delete env.FORCE_COLOR;
    env.NO_COLOR = '1';
    env.NODE_DISABLE_COLORS = '1';
  }
}
