import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const HUB = process.env.STOCKFLEET_HUB_URL ?? 'http://127.0.0.1:8480';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    port: 5174,
    strictPort: false,
    fs: { allow: ['..'] },
    proxy: {
      '/api': { target: HUB, changeOrigin: false },
      '/socket.io': { target: HUB, ws: true, changeOrigin: false },
    },
  },
  preview: {
    port: 4174,
    proxy: {
      '/api': { target: HUB, changeOrigin: false },
      '/socket.io': { target: HUB, ws: true, changeOrigin: false },
    },
  },
});
