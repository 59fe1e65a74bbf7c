// The walking skeleton as a user lives it: type a self-assessment, lose the network, reload with no network,
// get the network back, and see the draft on a colleague's tablet and in the server's database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, localRecords, eventually, NOT_DEMO, goOffline } from './harness.mjs';

const world = useServerAndBrowser();

const SUMMARY = 'Quý này Trung tâm tổ chức 12 buổi tuyên truyền lưu động về chuyển đổi số tại 8 xã.';
const ACHIEVEMENTS = 'Mô hình "Tổ công nghệ số cộng đồng" ở xã Hợp Hòa được nhân rộng; <script>alert(1)</script>';

test('a draft typed offline reaches the server and a second tablet', async (t) => {
  const tablet = await world.browser.newContext();
  const page = await tablet.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The Content-Security-Policy allows no inline script: the app must run without tripping it.
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });

  await t.test('staff signs in and sees the unit self-assessment of the current quarter', async () => {
    await signIn(page, world.server.base, 'tamduong.lan');
    await page.waitForSelector('#field-summary');
    const title = await page.textContent('h1');
    assert.match(title, /^Tự đánh giá Quý (I|II|III|IV)\/\d{4}$/);
    await page.waitForSelector('.movement');
    assert.match(await page.textContent('.movement'), /103\/CT-BTTTT ngày 13\/12\/2021/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  });

  await t.test('typing is autosaved to IndexedDB within a fraction of a second', async () => {
    await page.fill('#field-summary', SUMMARY);
    const typedAt = Date.now();
    await page.waitForFunction(async (text) => {
      const records = await new Promise((resolve) => {
        const open = indexedDB.open('thidua-tamduong.lan');
        open.onsuccess = () => {
          const req = open.result.transaction('records').objectStore('records').getAll();
          req.onsuccess = () => { open.result.close(); resolve(req.result); };
        };
      });
      return records.some((r) => r.fields.summary === text);
    }, SUMMARY, { timeout: 2_000, polling: 20 });
    const elapsed = Date.now() - typedAt;
    assert.ok(elapsed < 1_000, `autosaved after ${elapsed} ms`);
    assert.equal(await page.locator('button', { hasText: /^Lưu$/ }).count(), 0, 'there is no Save button');
  });

  await t.test('online, the edit is sent without any click', async () => {
    const sent = Date.now();
    await eventually(() => world.server.query(`select value from record_fields where name = 'summary' and record_id ${NOT_DEMO}`).length, 15_000,
      'the summary reaches the server');
    t.diagnostic(`on the server ${Date.now() - sent} ms after typing`);
    assert.deepEqual(world.server.query(`select value from record_fields where name = 'summary' and record_id ${NOT_DEMO}`), [[JSON.stringify(SUMMARY)]]);
    await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 5_000 });
    await page.waitForSelector('#net-status[data-online="true"]');
  });

  await t.test('offline, the app keeps working and counts what waits', async () => {
    await goOffline(tablet, page);
    assert.match(await page.textContent('#net-status'), /Ngoại tuyến/);
    await page.fill('#field-achievements', ACHIEVEMENTS);
  });

  // The reload comes right after typing, inside the autosave pause: the keystroke journal must cover it.
  await t.test('a reload with no network opens the app from the service worker, draft intact', async () => {
    await page.reload();
    await page.waitForSelector('#field-achievements');
    await page.waitForFunction(
      (text) => document.querySelector('#field-achievements').value === text, ACHIEVEMENTS, { timeout: 10_000 });
    assert.equal(await page.inputValue('#field-summary'), SUMMARY);
    await page.waitForSelector('#pending-count[data-pending="1"]', { timeout: 5_000 });
    await page.waitForSelector('#net-status[data-online="false"]', { timeout: 10_000 });
    // Negative control: without the service worker, an offline browser cannot open the app at all.
    const bare = await world.browser.newContext();
    await bare.setOffline(true);
    await assert.rejects(bare.newPage().then((p) => p.goto(world.server.base)), /ERR_INTERNET_DISCONNECTED/);
    await bare.close();
    // The script in the text is shown as text, never run.
    assert.equal(await page.evaluate(() => document.querySelectorAll('script:not([type=module])').length), 0);
  });

  await t.test('when the network returns, the app syncs within seconds by itself', async () => {
    const back = Date.now();
    await tablet.setOffline(false);
    await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
    await page.waitForSelector('#net-status[data-online="true"]');
    t.diagnostic(`synced ${Date.now() - back} ms after the network returned`);
    // Besides the demo's people's records, the tablet holds the one report.
    const local = (await localRecords(page, 'tamduong.lan')).filter((r) => r.kind === 'self_assessment');
    assert.equal(local.length, 1);
    assert.equal(local[0].rev, 2);
  });

  await t.test('a colleague on a second tablet sees the draft after their sync', async () => {
    const second = await world.browser.newContext();
    const other = await second.newPage();
    await signIn(other, world.server.base, 'tamduong.minh');
    await other.waitForSelector('#field-summary');
    await other.waitForFunction(
      ([a, b]) => document.querySelector('#field-summary').value === a
        && document.querySelector('#field-achievements').value === b,
      [SUMMARY, ACHIEVEMENTS], { timeout: 15_000 });
    assert.equal(await other.textContent('#record-status .label'), 'Đã đồng bộ');
    await second.close();
  });

  await t.test("the server's database holds the draft, each change audited once", async () => {
    // The demo holds another centre's reports of earlier quarters.
    const report = "(select id from records where kind = 'self_assessment' and unit_id = 'ttvh-tam-duong')";
    const fields = world.server.query(`select name, value from record_fields where record_id in ${report} order by name`);
    assert.deepEqual(fields, [
      ['achievements', JSON.stringify(ACHIEVEMENTS)],
      ['period', fields.find(([n]) => n === 'period')[1]],
      ['summary', JSON.stringify(SUMMARY)],
    ]);
    const [[records, rev]] = world.server.query(`select count(*), max(rev) from records where id in ${report}`);
    assert.equal(records, 1);
    assert.equal(rev, 2);
    const [[audited]] = world.server.query(`select count(*) from audit_log where record_id in ${report}`);
    const [[applied]] = world.server.query(`select count(*) from mutations where record_id in ${report}`);
    assert.equal(audited, 2);
    assert.equal(applied, 2);
  });

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await tablet.close();
});
