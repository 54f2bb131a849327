#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then runs the hub with migrations (and the demo
// data on an empty database). Works with nothing configured: embedded PostgreSQL, local Redis.
import { execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const newest = (dir) => {
  let t = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return t;
};
const stale = (srcDirs, marker) => !existsSync(marker) || Math.max(...srcDirs.map(newest)) > statSync(marker).mtimeMs;
const step = (label, cmd) => {
  process.stdout.write(`• ${label}\n`);
  try {
    execSync(cmd, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // Build chatter stays quiet unless the build fails.
    process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    process.exit(1);
  }
};

const shared = [join(root, 'shared/src')];
if (stale(shared, join(root, 'shared/dist/index.js'))) step('building shared/', 'npm run build -w shared');
if (stale([...shared, join(root, 'server/src')], join(root, 'server/dist/src/main.js'))) step('building the hub', 'npm run build -w server');
for (const app of ['admin', 'terminal']) {
  if (stale([...shared, join(root, app, 'src')], join(root, app, 'build/index.html'))) step(`building the ${app} app`, `npm run build -w ${app}`);
}

const hub = spawn(process.execPath, ['--enable-source-maps', join(root, 'server/dist/src/main.js'), '--migrate'], {
  cwd: root,
  stdio: 'inherit',
  env: { LOG_LEVEL: 'warn', ...process.env },
});
const forward = (sig) => process.on(sig, () => hub.kill(sig));
forward('SIGINT');
forward('SIGTERM');
hub.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
