import { RedisUnavailableError } from './redis/local-redis.js';
import { ConfigError } from '../config/config.js';

/** Runs a process entry point: configuration and "no Redis" problems print a plain message (exit 2), the rest a stack (exit 1). */
export function runMain(main: () => Promise<void>) {
  main().catch((err) => {
    if (err instanceof ConfigError || err instanceof RedisUnavailableError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(2);
    }
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
