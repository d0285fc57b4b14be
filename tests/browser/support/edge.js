// The TLS edge (deploy/edge/nginx-conf, nginx) in front of a test node, with
// a private CA that chromium trusts through an NSS database in a HOME of its
// own (chromium on Linux reads trust anchors from ~/.pki/nssdb).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, repoRoot } from './node.js';

function libSh(command) {
  return execFileSync('bash', ['-c', `source "${repoRoot}/deploy/local/lib.sh" && ${command}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class TestEdge {
  static async start(gatewayPort) {
    const edge = new TestEdge();
    edge.dir = mkdtempSync(path.join(os.tmpdir(), 'streamify-browser-edge-'));
    edge.httpsPort = await freePort();
    do edge.httpPort = await freePort(); while (edge.httpPort === edge.httpsPort);
    const tls = path.join(edge.dir, 'tls');
    libSh(`streamify_edge_certs "${tls}" localhost >/dev/null && `
      + `streamify_edge_start "${edge.dir}/nginx" 127.0.0.1:${gatewayPort} "${tls}/localhost.pem" `
      + `"${tls}/localhost.key" --https-port ${edge.httpsPort} --http-port ${edge.httpPort} --workers 1`);
    edge.home = path.join(edge.dir, 'home');
    const nssdb = `sql:${path.join(edge.home, '.pki', 'nssdb')}`;
    mkdirSync(path.join(edge.home, '.pki', 'nssdb'), { recursive: true });
    execFileSync('certutil', ['-d', nssdb, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', nssdb, '-A', '-t', 'C,,', '-n', 'streamify-test-ca', '-i', `${tls}/ca.pem`]);
    return edge;
  }

  get baseUrl() {
    return `https://localhost:${this.httpsPort}`;
  }

  // The environment chromium runs in to trust the edge's CA.
  browserEnv() {
    return { ...process.env, HOME: this.home };
  }

  stop() {
    try {
      libSh(`streamify_edge_stop "${this.dir}/nginx"`);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
