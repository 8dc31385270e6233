/**
 * process.stdout.write as it was when dnd started. Under `dnd run --json` a script run in
 * this process (-n 1) has its stdout sent to stderr for good (launcher.ts: its timers may
 * print after it returned); dnd's own one JSON object still goes to the real stdout here.
 */
export const writeStdout: (text: string) => boolean = process.stdout.write.bind(process.stdout);
