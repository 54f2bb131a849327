import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * CSP sources (`'sha256-…'`) for the inline scripts of these built pages: SvelteKit boots each app from
 * one inline script, and the hub's script-src names exactly those instead of allowing 'unsafe-inline'.
 * Read once at start-up: a rebuild of an app needs a restart of the hub (its pages' hashes change).
 * Pages that are not built yet contribute nothing.
 */
export function inlineScriptSources(htmlFiles: string[]): string[] {
  const sources = new Set<string>();
  for (const file of htmlFiles) {
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(INLINE_SCRIPT)) {
      if (m[1].trim()) sources.add(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
    }
  }
  return [...sources];
}
