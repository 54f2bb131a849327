import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // A single-page app: the hub serves build/ at `/` and answers unknown paths with index.html.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', precompress: false, strict: true }),
    alias: {
      // The contract, compiled straight from source (types and zod schemas only).
      '@stockfleet/shared': '../shared/src/index.ts',
    },
    version: { pollInterval: 0 },
    // No 'unsafe-inline' for scripts: SvelteKit writes the hash of its inline bootstrap script into a
    // <meta> CSP of the built page, and the hub puts the same hashes into its CSP header. Styles are left
    // out: Svelte sets inline style attributes, and a hash in style-src would disable 'unsafe-inline'.
    csp: { mode: 'hash', directives: { 'script-src': ['self'] } },
  },
};

export default config;
