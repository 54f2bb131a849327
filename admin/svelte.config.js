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
  },
};

export default config;
