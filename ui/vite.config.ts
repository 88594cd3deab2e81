import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// The app runs under a strict CSP (script-src 'self'; style-src 'self'):
// everything must end up in external .js/.css files, nothing inline.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  // Tauri's usual dev port, in case tauri.conf.json gets a devUrl.
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep every asset a separate file (no data: URIs for fonts/scripts).
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
});
