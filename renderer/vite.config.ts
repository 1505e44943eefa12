// Vite builds the GUI into dist/renderer, which the lab server serves on its GUI origin.
// A build first type-checks the renderer (tsc -p renderer/tsconfig.json --noEmit) and fails
// on any error, so `npm run build:renderer` never ships code the compiler rejects.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

function typeCheck(): Plugin {
  return {
    name: 'novalab-typecheck',
    apply: 'build',
    buildStart() {
      if (process.env.NOVALAB_SKIP_TYPECHECK === '1') return;
      const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json'), '--noEmit'], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) this.error(`type check failed:\n${r.stdout}${r.stderr}`);
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), typeCheck()],
  build: {
    outDir: path.join(repo, 'dist', 'renderer'),
    emptyOutDir: true,
    // noVNC 1.7 uses top-level await (its H.264 decoder probe).
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: { port: 5173, strictPort: false },
});
