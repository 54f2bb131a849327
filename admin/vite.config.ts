import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const HUB = process.env.STOCKFLEET_HUB ?? 'http://127.0.0.1:8480';

const proxy = {
  '/api': { target: HUB, changeOrigin: false },
  '/socket.io': { target: HUB, ws: true, changeOrigin: false },
};

export default defineConfig({
  plugins: [sveltekit()],
  server: { port: 5174, strictPort: false, proxy },
  preview: { port: 4174, proxy },
  build: { target: 'es2022', chunkSizeWarningLimit: 800 },
});
