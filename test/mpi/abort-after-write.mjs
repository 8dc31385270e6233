// Run by test/e2e/abort-output.test.ts as a world of one whose stderr is a FIFO the test
// reads late: writes a line to stderr, says so on stdout, then ends the job with the
// binding's abort, which must first leave the line to be read (src/native/output-drain.h).
import { writeSync } from 'node:fs';
import { loadNative } from '../../dist/native/index.js';

const m = loadNative();
m.init();
writeSync(2, `${process.argv[2]}\n`);
writeSync(1, 'written\n');
m.abort(3);
