import { z } from 'zod';

/**
 * In browsers, zod runs without its JIT. The hub's CSP forbids eval, and zod probes for it with
 * `new Function` as soon as an object schema is defined; it catches the failure and falls back, but the
 * browser still reports the probe as a CSP violation. This module is the first one `index.ts` loads, so
 * the setting is in place before any schema exists. The hub (no `window`) keeps the JIT: it parses every
 * till message.
 */
if ((globalThis as { window?: unknown }).window !== undefined) z.config({ jitless: true });

export {};
