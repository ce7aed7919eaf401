import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// One build for both hosts: out/main (Electron main, the engine's utilityProcess
// entry and the Redis reader thread), out/preload, and out/renderer, which the
// headless host also serves to browsers.
export default defineConfig({
  main: {
    define: { __TICKSTOCK_BUILT__: 'true' },
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'engine-utility': resolve(__dirname, 'src/main/engine-utility.ts'),
          'redis-reader': resolve(__dirname, 'src/main/engine/ingest/redis-reader.worker.ts'),
          checkpointer: resolve(__dirname, 'src/main/engine/store/checkpointer.worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
})
