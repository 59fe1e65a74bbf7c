// The two bundles as their users meet them: a field tablet downloads and keeps only the field's screens; the
// office, signing in at the same address, lands in its own bundle, which then starts offline too; each side's
// address sends the other role home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, watchErrors } from './harness.mjs';

const world = useServerAndBrowser();

/** The paths of every URL the service worker's cache holds. */
const cachedPaths = (page) => page.evaluate(async () => {
  const paths = [];
  for (const key of await caches.keys()) {
    for (const request of await (await caches.open(key)).keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
});

test('a field tablet never downloads the office bundle', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors);
  const requested = [];
  context.on('request', (request) => requested.push(new URL(request.url()).pathname));

  await signIn(page, world.server.base, 'tamduong.lan');
  await page.waitForSelector('#field-summary');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(requested.filter((path) => path.startsWith('/office')), []);
  const cached = await cachedPaths(page);
  assert.ok(cached.some((path) => path.endsWith('_bg.wasm')), `the field bundle is kept: ${cached}`);
  assert.deepEqual(cached.filter((path) => path.startsWith('/office')), []);
  assert.equal(await page.locator('#nav-people').count(), 1);

  // The office's address sends a field user back to the field's screens.
  await page.goto(`${world.server.base}/office/`);
  await page.waitForSelector('#field-summary');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the office signs in at the same address, lands in its bundle, and starts it offline', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors);

  await signIn(page, world.server.base, 'vanphong');
  assert.equal(new URL(page.url()).pathname, '/office/');
  await page.waitForSelector('#nav-nominations');
  assert.equal(await page.locator('#nav-people').count(), 0, 'no field-only tab in the office bundle');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  // The first load of the office's files may come before the worker controls the page; the worker keeps
  // them at its install, or when they are fetched through it.
  await page.reload();
  await page.waitForSelector('#nav-nominations');
  const cached = await cachedPaths(page);
  assert.ok(cached.includes('/office/index.html'), `office page kept: ${cached}`);
  assert.ok(cached.some((path) => /^\/office\/office-[0-9a-f]+_bg\.wasm$/.test(path)), `office wasm kept: ${cached}`);

  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('#nav-nominations');
  await page.waitForSelector('#net-status[data-online="false"]', { timeout: 15_000 });
  // The field's address, offline, still sends the office home.
  await page.goto(`${world.server.base}/`);
  await page.waitForSelector('#nav-nominations');
  assert.equal(new URL(page.url()).pathname, '/office/');
  await context.setOffline(false);
  assert.deepEqual(errors, []);
  await context.close();
});
