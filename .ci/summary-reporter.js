// Prints one plain closing line that CI (and people) can read: `jest: N passed, N failed`.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.on('exit', () => {
      process.stderr.write(`jest: ${results.numPassedTests} passed, ${failed} failed\n`);
    });
  }
}
module.exports = SummaryReporter;
