// A same-field race on a form of the cycle, not only on the quarterly report: two tablets change one person's
// 2025 rating offline. Both see the conflict with both values; one settles it; both see it settled; the server
// keeps one value and its audit log both writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually } from './harness.mjs';

const world = useServerAndBrowser();

async function tablet(login) {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  await signIn(page, world.server.base, login);
  await page.waitForSelector('#net-status[data-online="true"]', { timeout: 15_000 });
  await page.click('#nav-people');
  await page.click('li.person button:has-text("Trần Thị Lan")');
  await eventually(async () => (await page.locator('.person-form .year-row').count()) === 3, 15_000, 'her three years');
  return { context, page };
}

async function syncNow(page) {
  const before = await page.getAttribute('#last-sync', 'data-at');
  await page.click('#sync-now');
  await eventually(async () => (await page.getAttribute('#last-sync', 'data-at')) !== before, 15_000, 'a sync');
}

const rating2025 = (page) => page.locator('.person-form .year-row').nth(2).locator('select.rating');
const conflict = (page) => page.locator('.person-form .conflict[data-field="years"]');

test("two tablets rate the same person's 2025 differently offline", async (t) => {
  const lan = await tablet('tamduong.lan');
  const minh = await tablet('tamduong.minh');
  await lan.context.setOffline(true);
  await minh.context.setOffline(true);
  await rating2025(lan.page).selectOption('tot');
  await rating2025(minh.page).selectOption('hoan_thanh');
  for (const { page } of [lan, minh]) {
    await page.waitForSelector('#pending-count:not([data-pending="0"])', { timeout: 5_000 });
    assert.equal(await page.getAttribute('#person-status', 'data-status'), 'Waiting');
  }

  await lan.context.setOffline(false);
  await syncNow(lan.page);
  await lan.page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 15_000 });
  await minh.context.setOffline(false);
  await syncNow(minh.page);
  await eventually(() => world.server.query('select 1 from conflicts').length, 20_000, "Minh's push to meet Lan's");

  await t.test('the tablet that lost the race shows both tables, row by row, and who wrote each', async () => {
    await minh.page.waitForSelector('.person-form .conflict[data-field="years"]:not([data-conflict="0"])', { timeout: 15_000 });
    assert.equal(await minh.page.getAttribute('#person-status', 'data-status'), 'Conflict');
    const panel = await conflict(minh.page).textContent();
    assert.match(panel, /Xếp loại hằng năm và kỷ luật/);
    assert.match(panel, /Bản đang lưu — Trần Thị Lan/);
    assert.match(panel, /Bản còn lại — Lê Văn Minh/);
    assert.match(panel, /Hoàn thành tốt nhiệm vụ/, "Lan's value");
    assert.match(panel, /Hoàn thành nhiệm vụ/, "Minh's value");
    // Only the 2025 row differs between the two versions.
    assert.equal(await conflict(minh.page).locator('.side').first().locator('tr.changed').count(), 1);
    assert.equal(await rating2025(minh.page).inputValue(), 'tot', 'the form shows the value the server kept');
  });

  await t.test('the other tablet shows the same conflict after its sync', async () => {
    await syncNow(lan.page);
    await lan.page.waitForSelector('.person-form .conflict[data-field="years"]:not([data-conflict="0"])', { timeout: 15_000 });
    assert.equal(await lan.page.getAttribute('#person-status', 'data-status'), 'Conflict');
  });

  await t.test('settling it on one tablet settles it on both', async () => {
    await conflict(lan.page).locator('.choose-other').click();
    await lan.page.waitForSelector('.person-form .conflict', { state: 'detached', timeout: 5_000 });
    await lan.page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 15_000 });
    await syncNow(minh.page);
    await minh.page.waitForSelector('.person-form .conflict', { state: 'detached', timeout: 15_000 });
    assert.equal(await rating2025(minh.page).inputValue(), 'hoan_thanh');
    assert.equal(await rating2025(lan.page).inputValue(), 'hoan_thanh');
    await eventually(async () => (await lan.page.getAttribute('#person-status', 'data-status')) === 'Sent', 10_000, 'sent');
  });

  await t.test('the server holds one value, and its audit log both writes', async () => {
    const [[open, resolved]] = world.server.query(
      'select sum(case when resolved_at is null then 1 else 0 end) as open, count(resolved_at) as resolved from conflicts');
    assert.deepEqual([open, resolved], [0, 1]);
    const [[recordId, years]] = world.server.query(
      "select f.record_id, f.value from record_fields f join record_fields n on n.record_id = f.record_id "
      + "where f.name = 'years' and n.name = 'full_name' and n.value like '%Trần Thị Lan%'");
    assert.equal(JSON.parse(years).find((y) => y.year === 2025).rating, 'hoan_thanh');
    const writers = world.server.query(
      "select u.login, a.action from audit_log a join users u on u.id = a.user_id where a.record_id = ? "
      + "and a.action in ('set', 'resolve') order by a.id", [recordId]);
    // The first write is the demo data's, by the unit head; then the two tablets' and the settlement.
    assert.deepEqual(writers.slice(1), [['tamduong.lan', 'set'], ['tamduong.minh', 'set'], ['tamduong.lan', 'resolve']]);
  });

  await lan.context.close();
  await minh.context.close();
});
