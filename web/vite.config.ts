import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The API runs on the Go server; in `vite dev` requests to it are proxied so
// the session cookie stays same-origin.
const api = process.env.IMAPHUB_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  build: {
    target: 'es2022',
    // The Go server sets a long cache only for files under /assets/, whose
    // names carry a content hash.
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    // Unmounts components after each test.
    setupFiles: ['@testing-library/svelte/vitest'],
  },
});
