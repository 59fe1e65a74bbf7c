// Browser benchmarks, in headless Chromium against the release server: start time on a weak 3G link with a slow
// CPU, warm start offline through the service worker, autosave latency with 10,000 records on the tablet, and a
// search keystroke over 10,000 people on it, offline.
// Prints `key=value` lines for scripts/bench.sh. Not a test: it measures and never fails on a slow machine.
import { startServer, launchBrowser, signIn } from '../e2e/harness.mjs';

const RUNS = 3;
const CPU_SLOWDOWN = 4;
// "Weak 3G": 400 ms round trip, 400 kbit/s each way.
const WEAK_3G = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.round((xs.length - 1) * p))];

/** Puts 10,000 records of `kind` straight into the tablet's IndexedDB, each text numbered where it says {i}. */
function putRecords(page, template) {
  return page.evaluate(async ({ kind, idPrefix, fields }) => {
    const db = await new Promise((resolve) => { const o = indexedDB.open('thidua-tamduong.lan'); o.onsuccess = () => resolve(o.result); });
    await new Promise((resolve) => {
      const tx = db.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      for (let i = 0; i < 10_000; i++) {
        const numbered = Object.fromEntries(Object.entries(fields).map(([name, text]) => [name, text.replaceAll('{i}', i)]));
        store.put({ id: `${idPrefix}${String(i).padStart(12, '0')}`, kind, unit_id: 'ttvh-tam-duong', rev: 1,
          deleted: false, state: 'draft', state_note: null, fields: numbered, field_base: {}, conflicts: [],
          rejection: null, updated_by: 'tamduong.lan', saved_at: null });
      }
      tx.oncomplete = resolve;
    });
    db.close();
  }, template);
}

const server = await startServer();
const browser = await launchBrowser();
const out = (key, value) => console.log(`${key}=${value}`);

try {
  // 1. Cold start: empty cache, weak 3G, CPU x4, until the sign-in form is rendered by the app.
  const cold = [];
  let transferred = 0;
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', WEAK_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    const started = Date.now();
    await page.goto(server.base);
    await page.waitForSelector('#login');
    cold.push(Date.now() - started);
    transferred = bytes;
    await context.close();
  }
  out('cold_start_weak3g_cpu4_ms', median(cold));
  out('cold_start_transferred_bytes', transferred);

  // 2. Warm start offline: the app was opened once; now no network, CPU x4, until the report is on screen.
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.base, 'tamduong.lan');
  await page.waitForSelector('#field-summary');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.fill('#field-summary', 'Bản nháp để kiểm tra khởi động ngoại tuyến.');
  await page.locator('#field-summary').blur();
  await context.setOffline(true);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const started = Date.now();
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#field-summary')?.value.length > 0);
    warm.push(Date.now() - started);
  }
  out('warm_start_offline_cpu4_ms', median(warm));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await context.setOffline(false);

  // 3. Autosave: 10,000 records on the tablet; from the input event until the record and its outbox entry are
  //    committed (strict durability) in IndexedDB, when the field is left. (While typing, the save waits for a
  //    0.3 s pause; every keystroke is journalled synchronously in the meantime.)
  await putRecords(page, { kind: 'self_assessment', idPrefix: '00000000-0000-4000-8000-',
    fields: { summary: 'Báo cáo lưu trữ số {i}' } });
  await page.evaluate(() => {
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (names, mode, options) {
      const tx = original.call(this, names, mode, options);
      const list = Array.from(typeof names === 'string' ? [names] : names);
      if (mode === 'readwrite' && list.includes('records') && list.includes('queue') && window.onSave) {
        const report = window.onSave;
        window.onSave = null;
        tx.addEventListener('complete', () => report(performance.now() - window.inputAt));
      }
      return tx;
    };
  });
  for (const [label, rate] of [['', 1], ['_cpu4', CPU_SLOWDOWN]]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const samples = [];
    for (let i = 0; i < 100; i++) {
      samples.push(await page.evaluate((text) => new Promise((resolve) => {
        const field = document.querySelector('#field-achievements');
        field.focus();
        window.onSave = resolve;
        window.inputAt = performance.now();
        field.value = text;
        field.dispatchEvent(new Event('input', { bubbles: true }));
        field.blur();
      }), `Lần lưu ${i}: mô hình mới ở xã Hợp Hòa.`));
    }
    out(`autosave${label}_p50_ms`, percentile(samples, 0.5).toFixed(1));
    out(`autosave${label}_p95_ms`, percentile(samples, 0.95).toFixed(1));
  }
  const stored = await page.evaluate(() => new Promise((resolve) => {
    const o = indexedDB.open('thidua-tamduong.lan');
    o.onsuccess = () => { const r = o.result.transaction('records').objectStore('records').count(); r.onsuccess = () => resolve(r.result); };
  }));
  out('autosave_local_records', stored);

  // 4. Search on the tablet, offline: 10,000 people on it besides the reports; from the input event of a
  //    keystroke until the results list has changed.
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await putRecords(page, { kind: 'person', idPrefix: '00000000-0000-4000-9000-',
    fields: { full_name: 'Nguyễn Văn Thành số {i}', position: 'Viên chức thông tin cơ sở' } });
  await context.setOffline(true);
  await page.reload();
  await page.click('#nav-search');
  await page.fill('#search-box', 'nguyen van thanh so 9999');
  // The index holds the 10,000 once the tablet's records are read.
  await page.waitForSelector('#search-results li:has-text("số 9999")', { timeout: 60_000 });
  for (const [label, rate] of [['', 1], ['_cpu4', CPU_SLOWDOWN]]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const samples = [];
    for (let i = 0; i < 60; i++) {
      samples.push(await page.evaluate((text) => new Promise((resolve) => {
        const results = document.querySelector('#search-results');
        const box = document.querySelector('#search-box');
        const started = performance.now();
        const watch = new MutationObserver(() => { watch.disconnect(); resolve(performance.now() - started); });
        // Each query shows other people, so the list changes; should it not, the sample is dropped, not waited for.
        setTimeout(() => { watch.disconnect(); resolve(null); }, 5_000);
        watch.observe(results, { childList: true, subtree: true, characterData: true });
        box.value = text;
        box.dispatchEvent(new Event('input', { bubbles: true }));
      }), `nguyen van thanh so ${i * 97 + 1}`));
    }
    samples.splice(0, samples.length, ...samples.filter((sample) => sample !== null));
    out(`search${label}_p50_ms`, percentile(samples, 0.5).toFixed(1));
    out(`search${label}_p95_ms`, percentile(samples, 0.95).toFixed(1));
  }
  await context.setOffline(false);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
