import { Args, Flags } from '../../cli/oclif.js';
import { readFileSync, statSync } from 'node:fs';
import { DndCommand } from '../../cli/base.js';
import { renderTraceSummary } from '../../cli/render-trace.js';
import { usageError } from '../../dnd/errors.js';
import { summarizeTrace, type TraceSummary } from '../../runtime/trace-summary.js';

export default class TraceSummaryCommand extends DndCommand {
  static override summary = 'Read a trace written by --trace and show where the time went and which rank was slow.';

  static override description = `FILE is a trace written by --trace (on create, info, resplit, redistribute, chunk --launch, run,
px). Shows, for every phase (process start, MPI_Init, build or load, plan, exchange, write, report,
finalize, and a script's own dnd.trace.span()s), its time per rank as min, median and max over
the ranks, and the imbalance, max / mean. For the collectives: each rank's time inside them,
how much of it was waiting for ranks that entered later, and how much waiting it caused by
entering last; the rank that caused the most is named as the slowest rank. Then the bytes each
rank sent to each other rank, and a timeline with one line per rank.

The same file opens in ui.perfetto.dev or chrome://tracing as it is.`;

  static override examples = [
    { description: 'Trace a resplit, then summarise it.', command: '<%= config.bin %> resplit randn:4096,4096 --axis 1 -n 4 --trace t.json && <%= config.bin %> <%= command.id %> t.json' },
    { description: 'As JSON (schema: schemas/trace-summary.json).', command: '<%= config.bin %> <%= command.id %> t.json --json' },
    { description: 'A wider timeline.', command: '<%= config.bin %> <%= command.id %> t.json --width 100' },
  ];

  static override args = {
    file: Args.string({ description: 'a trace written by --trace FILE.json', required: true }),
  };

  static override flags = {
    width: Flags.integer({ summary: 'Columns of the timeline.', default: 60, min: 10, max: 1000 }),
  };

  async run(): Promise<TraceSummary> {
    const { args, flags } = await this.parse(TraceSummaryCommand);
    const file = args.file ?? '';
    let text: string;
    try {
      if (statSync(file).isDirectory()) throw usageError(`${file} is a directory, not a trace file`);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') throw usageError(`${file}: no such file`);
      if ((e as { code?: string }).code === 'EACCES') throw usageError(`${file}: permission denied (cannot read it)`);
      throw e;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw usageError(`${file} is not JSON (${(e as Error).message}): expected a trace written by --trace`);
    }
    const summary = summarizeTrace(value, file, flags.width);
    if (!this.jsonEnabled()) this.log(renderTraceSummary(summary, this.c));
    return summary;
  }
}
