// Builds the web application into dist/: one bundled script and one stylesheet (Leaflet's included).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
await esbuild.build({
  entryPoints: { app: 'src/main.js' },
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  outdir: 'dist',
  loader: { '.png': 'dataurl', '.svg': 'dataurl' },
  logLevel: 'warning',
});
copyFileSync('index.html', 'dist/index.html');
// esbuild names the stylesheet after the entry point.
console.log('web: built dist/');
