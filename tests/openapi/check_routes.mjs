// Compares the routes a gateway node registers (streamify-node
// --print-routes) with the operations docs/openapi.yaml describes, both ways.
//
//   node check_routes.mjs STREAMIFY_NODE OPENAPI.json
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [nodeBin, documentFile] = process.argv.slice(2);
if (!nodeBin || !documentFile) {
  console.error('usage: node check_routes.mjs STREAMIFY_NODE OPENAPI.json');
  process.exit(2);
}
const served = new Set(execFileSync(nodeBin, ['--print-routes'], { encoding: 'utf8' })
  .split('\n').filter(Boolean));
const doc = JSON.parse(readFileSync(documentFile, 'utf8'));
const documented = new Set();
for (const [path, item] of Object.entries(doc.paths))
  for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
    if (item[method]) documented.add(`${method.toUpperCase()} ${path}`);

const missing = [...served].filter((r) => !documented.has(r));
const extra = [...documented].filter((r) => !served.has(r));
console.log(`routes served: ${served.size}, operations documented: ${documented.size}`);
for (const r of missing) console.log(`NOT DOCUMENTED: ${r}`);
for (const r of extra) console.log(`NOT SERVED: ${r}`);
if (served.size === 0 || missing.length || extra.length) process.exit(1);
console.log('every served route is documented and every documented route is served');
