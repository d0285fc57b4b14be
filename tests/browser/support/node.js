// Starts a private streamify-node for one test file: its own five databases
// on the test PostgreSQL (STREAMIFY_TEST_PG_URL), a free port, the app from
// <repo>/frontend. Mirrors tests/support/test_node.cpp.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { artifactsDir } from './artifacts.js';

export const JWT_SECRET = 'browser-test-secret-0123456789abcdef0123456789abcdef';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DOMAINS = { auth: 'auth', catalog: 'video', streaming: 'streaming', billing: 'billing', analytics: 'analytics' };
let counter = 0;

function adminUrl() {
  const url = process.env.STREAMIFY_TEST_PG_URL;
  if (!url) throw new Error('STREAMIFY_TEST_PG_URL is not set: run the browser tests through deploy/local/test');
  return url;
}

function dbUrl(name) {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

function psql(sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', adminUrl(), ...sql.flatMap((s) => ['-c', s])],
    { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function nodeBinary() {
  return process.env.STREAMIFY_NODE_BIN || path.join(repoRoot, 'build/bin/streamify-node');
}

// The node's option names (CAF prints --long-help to stderr), to use options
// that exist only once the other roles are merged.
export function nodeOptions() {
  const r = spawnSync(nodeBinary(), ['--long-help'], { encoding: 'utf8' });
  return new Set([...`${r.stdout}${r.stderr}`.matchAll(/--([a-z0-9-]+\.[a-z0-9-]+)=/g)].map((m) => m[1]));
}

export class TestNode {
  static async start({ extraArgs = [] } = {}) {
    const node = new TestNode();
    await node.#start(extraArgs);
    return node;
  }

  prefix = `b${process.pid}_${++counter}_${Date.now() % 100000}`;
  child = null;
  port = 0;
  logPath = '';
  dataDir = '';

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async #start(extraArgs) {
    psql(Object.values(DOMAINS).map((d) => `CREATE DATABASE ${this.prefix}_${d}`));
    this.port = await freePort();
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), 'streamify-browser-data-'));
    const logDir = path.join(artifactsDir(), 'logs');
    mkdirSync(logDir, { recursive: true });
    this.logPath = path.join(logDir, `node-${this.prefix}.log`);
    const args = [
      `--http.port=${this.port}`,
      `--auth.jwt-secret=${JWT_SECRET}`,
      '--auth.pwhash-ops=1',
      '--auth.pwhash-mem=8',
      // Beside other tests a nice 19 FFmpeg gets almost no CPU.
      '--media.transcode-nice=0',
      `--http.frontend-dir=${path.join(repoRoot, 'frontend')}`,
      `--storage.data-dir=${this.dataDir}`,
      ...Object.entries(DOMAINS).map(([role, d]) => `--${role}.database-url=${dbUrl(`${this.prefix}_${d}`)}`),
      ...extraArgs,
    ];
    const log = openSync(this.logPath, 'w');
    this.child = spawn(nodeBinary(), args, { stdio: ['ignore', log, log] });
    closeSync(log);
    let exited = null;
    this.child.on('exit', (code, signal) => { exited = { code, signal }; });
    for (let i = 0; i < 300; i++) {
      if (exited) throw new Error(`streamify-node exited during start (${JSON.stringify(exited)}):\n${this.log()}`);
      try {
        const res = await fetch(`${this.baseUrl}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(`streamify-node never became ready:\n${this.log()}`);
  }

  log() {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  async stop() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      const done = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      const timeout = setTimeout(() => this.child.kill('SIGKILL'), 10000);
      await done;
      clearTimeout(timeout);
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    // Dropping takes seconds (a checkpoint per database); it runs on after the
    // test process, and the private cluster goes away with the run anyway.
    const drops = Object.values(DOMAINS).map((d) => `DROP DATABASE IF EXISTS ${this.prefix}_${d} WITH (FORCE)`);
    spawn('psql', ['-X', '-q', adminUrl(), ...drops.flatMap((q) => ['-c', q])],
      { stdio: 'ignore', detached: true }).unref();
  }

  // JSON request to the node; returns { status, body, headers }.
  async request(method, urlPath, { token, body, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(`${this.baseUrl}${urlPath}`, init);
    } catch {
      // A kept-alive connection the node closed while idle fails the request
      // before it is sent; a new connection is used on the second try.
      res = await fetch(`${this.baseUrl}${urlPath}`, init);
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  // True when the node has a route for METHOD PATH (the gateway answers unknown routes 404 "no such route").
  async serves(method, urlPath, opts) {
    const r = await this.request(method, urlPath, opts);
    return !(r.status === 404 && r.body?.error === 'not_found' && /no such route/.test(r.body?.message || ''));
  }

  async signUp(role = 'viewer', overrides = {}) {
    const email = `${role}-${this.prefix}-${++counter}@example.com`;
    const password = 'correct horse battery';
    const r = await this.request('POST', '/api/auth/register', {
      body: { email, password, display_name: `Test ${role}`, role, ...overrides },
    });
    if (r.status !== 201) throw new Error(`sign-up failed: ${r.status} ${JSON.stringify(r.body)}`);
    return { ...r.body, email, password };
  }

  // An admin made the way operators make one (--create-admin), signed in.
  async createAdmin() {
    const email = `admin-${this.prefix}-${++counter}@example.com`;
    const password = 'admin password 1';
    execFileSync(nodeBinary(), [`--create-admin=${email}`, `--auth.database-url=${dbUrl(`${this.prefix}_auth`)}`,
      '--auth.pwhash-ops=1', '--auth.pwhash-mem=8'],
    { env: { ...process.env, STREAMIFY_ADMIN_PASSWORD: password }, stdio: ['ignore', 'ignore', 'pipe'] });
    return { email, password };
  }
}
