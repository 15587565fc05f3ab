import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built to relative URLs so the same files load from Electron's app:// protocol
// and from the headless web mode's HTTP server.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // One ~530 kB bundle loaded from local disk (app:// or 127.0.0.1), never over a network: the web
    // default of 500 kB only adds a warning to every `npm start`.
    chunkSizeWarningLimit: 1024,
  },
});
