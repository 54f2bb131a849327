// Prints one plain closing line that CI (and people) can read: `jest: N passed, N failed`.
// Written synchronously at process exit, after jest's own messages (including --forceExit's).
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed\n`;
    process.once('exit', () => {
      try {
        writeSync(2, line);
      } catch {
        process.stderr.write(line);
      }
    });
  }
}
module.exports = SummaryReporter;
