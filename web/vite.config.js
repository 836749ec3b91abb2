import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The API server during `vite` / `vite preview` (gridgov serves web/dist itself in production).
const api = process.env.GG_API || 'http://127.0.0.1:18081'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: api, changeOrigin: false } } },
})
