// Debian's chromium driven by playwright-core, one fresh profile per test file.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactsDir } from './artifacts.js';

const { chromium } = await import('playwright-core').catch(() => {
  throw new Error('playwright-core is not installed: deploy/local/test installs it (npm ci --prefix tests/browser)');
});
const CHROMIUM = process.env.STREAMIFY_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Chromium logs every non-2xx fetch as "Failed to load resource"; the tests
// check statuses themselves, so those lines are not page errors.
const NETWORK_STATUS_LINE = /^Failed to load resource: the server responded with a status of \d+/;

export class Browser {
  // `env`: chromium's environment (a HOME whose NSS database trusts a test CA).
  static async launch({ env } = {}) {
    const b = new Browser();
    b.profile = mkdtempSync(path.join(os.tmpdir(), 'streamify-chromium-'));
    b.context = await chromium.launchPersistentContext(b.profile, {
      executablePath: CHROMIUM,
      ...(env ? { env } : {}),
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
    });
    return b;
  }

  // A new tab (its own sessionStorage) that records console errors, uncaught
  // exceptions and CSP violations in page.problems.
  async page(baseUrl) {
    const page = await this.context.newPage();
    page.problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !NETWORK_STATUS_LINE.test(msg.text())) {
        page.problems.push(`console error: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => page.problems.push(`uncaught: ${err.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.baseUrl = baseUrl;
    return page;
  }

  async close() {
    await this.context?.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export async function screenshot(page, name) {
  const file = path.join(artifactsDir(), 'screenshots', `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
