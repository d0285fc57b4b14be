// Checks every HTTP exchange the integration tests recorded (one JSON line
// each, tests/support/traffic_recorder.cpp) against docs/openapi.yaml: the
// path matches a documented route, the status is documented for it, the
// content type is one it documents and a JSON body matches its schema.
//
//   node check_responses.mjs OPENAPI.json TRAFFIC.jsonl
//
// Prints the counts and every mismatch; exits 1 on any mismatch or when
// nothing was recorded.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [documentFile, trafficFile] = process.argv.slice(2);
if (!documentFile || !trafficFile) {
  console.error('usage: node check_responses.mjs OPENAPI.json TRAFFIC.jsonl');
  process.exit(2);
}

const doc = JSON.parse(readFileSync(documentFile, 'utf8'));
const methods = ['get', 'post', 'patch', 'delete', 'put'];

// The document's schemas, under one id, with their references rewritten to it.
// Strict about unknown keywords; the per-route enums of `error` narrow the
// Error schema without repeating its type.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
const rewrite = (node) => {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string'
        ? v.replace('#/components/schemas/', 'components#/$defs/')
        : rewrite(v);
    }
    return out;
  }
  return node;
};
ajv.addSchema({ $id: 'components', $defs: rewrite(doc.components.schemas) });

const resolve = (obj) => {
  while (obj && obj.$ref) {
    const parts = obj.$ref.replace(/^#\//, '').split('/');
    obj = parts.reduce((o, p) => o[p], doc);
  }
  return obj;
};

// Literal segments win over parameters ("/a/b" before "/a/{x}").
const routes = Object.entries(doc.paths).map(([template, item]) => ({
  template,
  item,
  regex: new RegExp('^' + template
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{[^}]+\}/g, '([^/]+)') + '$'),
  params: (template.match(/\{/g) || []).length,
})).sort((a, b) => a.params - b.params);

const validators = new Map();
const validatorFor = (key, schema) => {
  if (!validators.has(key)) validators.set(key, ajv.compile(rewrite(schema)));
  return validators.get(key);
};

const mediaMatches = (documented, actual) => {
  if (documented === actual) return true;
  if (documented.endsWith('/*')) return actual.startsWith(documented.slice(0, -1));
  return false;
};

const lines = readFileSync(trafficFile, 'utf8').split('\n').filter(Boolean);
const mismatches = new Map();
const seenRoutes = new Set();
const seenStatuses = new Set();
let validated = 0;
let unrouted = 0;
let staticFiles = 0;

const mismatch = (key, why, x) => {
  const m = mismatches.get(key) ?? { why, count: 0, example: x };
  m.count += 1;
  mismatches.set(key, m);
};

// The gateway routes on the percent-decoded path (%2F is a slash there).
const decodedPath = (raw) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

const errorSchema = { $ref: '#/components/schemas/Error' };

for (const text of lines) {
  const x = JSON.parse(text);
  const path = decodedPath(x.path.split('?')[0]);
  const method = x.method.toLowerCase();
  const type = (x.content_type || '').split(';')[0].trim();
  const route = routes.find((r) => r.regex.test(path));
  const operation = route && route.item[method];
  if (!operation) {
    if (!path.startsWith('/api/') && !route && x.status < 400) {
      staticFiles += 1; // the app's files, served outside the API
      continue;
    }
    // No such route: the gateway's 404 (405) error, never anything else.
    unrouted += 1;
    const ok = (x.status === 404 || x.status === 405) && type === 'application/json'
      && validatorFor('error', errorSchema)(x.body);
    if (!ok) mismatch(`unrouted ${x.method} ${x.status}`, 'an undocumented route answered', x);
    continue;
  }
  const name = `${x.method} ${route.template}`;
  seenRoutes.add(name);
  seenStatuses.add(`${name} ${x.status}`);
  validated += 1;
  const response = resolve(operation.responses[String(x.status)]);
  if (!response) {
    mismatch(`${name} ${x.status}`, `status ${x.status} is not documented`, x);
    continue;
  }
  const content = response.content ?? {};
  if (Object.keys(content).length === 0) {
    if (type !== '' && x.status !== 204)
      mismatch(`${name} ${x.status} ${type}`, `documented without a body, answered ${type}`, x);
    continue;
  }
  const media = Object.keys(content).find((m) => mediaMatches(m, type));
  if (!media) {
    mismatch(`${name} ${x.status} ${type}`,
      `content type ${type || '(none)'} is not one of ${Object.keys(content).join(', ')}`, x);
    continue;
  }
  if (media !== 'application/json') continue;
  if (x.body === null || x.body === undefined) {
    mismatch(`${name} ${x.status} json`, 'the JSON body does not parse', x);
    continue;
  }
  const validate = validatorFor(`${name} ${x.status} ${media}`, content[media].schema);
  if (!validate(x.body)) {
    const errors = validate.errors
      .map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''}${e.params?.additionalProperty ? ' (' + e.params.additionalProperty + ')' : ''}`)
      .join('; ');
    mismatch(`${name} ${x.status} ${errors}`, errors, x);
  }
}

const documented = [];
for (const r of routes)
  for (const m of methods)
    if (r.item[m]) documented.push(`${m.toUpperCase()} ${r.template}`);
const untested = documented.filter((r) => !seenRoutes.has(r));

console.log(`responses recorded: ${lines.length}`);
console.log(`responses validated against a documented route: ${validated}`);
console.log(`routes exercised: ${seenRoutes.size} of ${documented.length} documented`);
console.log(`distinct (route, status) pairs validated: ${seenStatuses.size}`);
console.log(`unknown routes answered 404/405: ${unrouted}; app files skipped: ${staticFiles}`);
if (untested.length) console.log(`routes no test exercised: ${untested.join(', ')}`);
for (const m of mismatches.values()) {
  const e = m.example;
  console.log(`MISMATCH (${m.count}x) ${e.method} ${e.path} -> ${e.status} [${e.source}]: ${m.why}`);
  console.log(`  body: ${JSON.stringify(e.body ?? e.body_text ?? null).slice(0, 400)}`);
}
if (lines.length === 0) {
  console.log('FAILED: nothing was recorded');
  process.exit(1);
}
if (mismatches.size > 0) {
  console.log(`FAILED: ${mismatches.size} kinds of mismatch`);
  process.exit(1);
}
console.log('every recorded response matches docs/openapi.yaml');
