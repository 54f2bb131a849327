import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** `npm run worker` as a real child process (compiled), so a test can SIGKILL it mid-job. */
export class WorkerProcess {
  private child?: ChildProcess;
  log = '';

  constructor(readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const main = join(__dirname, '..', '..', 'dist', 'src', 'worker.js');
    this.child = spawn(process.execPath, [main], { env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.log += d));
    this.child.stderr!.on('data', (d) => (this.log += d));
    const end = Date.now() + 30_000;
    while (!this.log.includes('Stockfleet worker running')) {
      if (this.child.exitCode !== null) throw new Error(`worker exited: ${this.log}`);
      if (Date.now() > end) throw new Error(`worker did not start: ${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill9(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
