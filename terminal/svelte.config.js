import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// The config is loaded more than once per build: the build id must be the same every time, or the
// client chunks and the fallback page disagree about SvelteKit's global name.
process.env.STOCKFLEET_TILL_BUILD ??= Date.now().toString(36);

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A single-page kiosk: every route falls back to index.html; the hub serves the build at /till/.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
    paths: { base: '/till', relative: false },
    alias: {
      // The contract is compiled from source by Vite, so the till never runs a stale shared/dist.
      '@stockfleet/shared': '../shared/src/index.ts',
    },
    // Also names the service-worker cache: a new build replaces the old shell atomically.
    version: { name: `${pkg.version}-${process.env.STOCKFLEET_TILL_BUILD}` },
    serviceWorker: { register: true },
    // No 'unsafe-inline' for scripts: SvelteKit writes the hash of its inline bootstrap script into a
    // <meta> CSP of the built page, and the hub puts the same hashes into its CSP header. Styles are left
    // out: Svelte sets inline style attributes, and a hash in style-src would disable 'unsafe-inline'.
    csp: { mode: 'hash', directives: { 'script-src': ['self'] } },
  },
};

export default config;
