// The API reference page (#/api): Swagger UI, vendored, renders the node's
// /api/openapi.json under the app's CSP and loads nothing from elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useNodeAndBrowser, open, assertNoProblems } from './support/fixture.js';
import { screenshot } from './support/browser.js';

const env = useNodeAndBrowser();

test('the API reference lists the routes from /api/openapi.json and opens one', async () => {
  const outside = [];
  const page = await open(env, '#/api');
  page.on('request', (r) => {
    if (!r.url().startsWith(env.node.baseUrl) && !r.url().startsWith('data:')) outside.push(r.url());
  });
  await page.getByRole('heading', { name: 'API reference', level: 1 }).waitFor();
  const deposits = page.locator('.opblock-summary-path[data-path="/api/wallet/deposits"]');
  await deposits.waitFor();
  const operations = await page.locator('.opblock-summary-path').count();
  assert.ok(operations >= 25, `only ${operations} operations are listed`);
  await deposits.click();
  const opened = page.locator('.opblock.is-open');
  await opened.getByText('Idempotency-Key').first().waitFor();
  await opened.locator('.response-col_status', { hasText: '409' }).first().waitFor();
  await screenshot(page, 'api-reference');
  assert.deepEqual(outside, []);
  assertNoProblems(page);
  await page.close();
});
