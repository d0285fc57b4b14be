import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Screenshots and node logs: STREAMIFY_TEST_ARTIFACTS (ctest sets build/test-artifacts/browser) or a temp folder.
export function artifactsDir() {
  const dir = process.env.STREAMIFY_TEST_ARTIFACTS || path.join(os.tmpdir(), 'streamify-browser-artifacts');
  mkdirSync(path.join(dir, 'screenshots'), { recursive: true });
  return dir;
}
