// The first page's JS and CSS as served: every file index.html loads
// (scripts, stylesheets, module preloads), raw, gzip and brotli.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const size = (f) => statSync(join(dist, f)).size;
const total = { raw: 0, gzip: 0, brotli: 0 };
for (const f of files) {
  total.raw += size(f);
  total.gzip += size(`${f}.gz`);
  total.brotli += size(`${f}.br`);
  console.log(`${f}: ${size(f)} B, gzip ${size(`${f}.gz`)} B, brotli ${size(`${f}.br`)} B`);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`first page JS+CSS: ${kib(total.raw)} raw, ${kib(total.gzip)} gzip, ${kib(total.brotli)} brotli (budget 250 KB gzip)`);
if (total.gzip > 250 * 1000) process.exit(1);
