/**
 * Vite build of the dashboard into dist/ (served by alert-service/src/server/dashboard.ts). Built
 * at install and start by alert-service/scripts/build-dashboard.ts; the output is never committed.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // No dev-server public folder, no env files: the build is the source tree and nothing else.
  publicDir: false,
  envDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything as files: no data: URLs (the CSP allows images and fonts from 'self' only).
    assetsInlineLimit: 0,
    // The polyfill is for browsers without modulepreload; every current one has it.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
});
