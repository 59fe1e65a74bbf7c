// Advanced models: a unit head proposes a model with no network; back online it reaches the office, which moves it
// through its stages and names the decision that recognised it; the public page shows it, and the unit's tablet
// sees the stage the office set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors, goOffline, confirmStep, synced } from './harness.mjs';

const world = useServerAndBrowser();
const NAME = 'Đội tuyên truyền lưu động bằng xe đạp điện';

test('a model proposed offline is registered, nurtured, recognised and shown to the public', async (t) => {
  const errors = [];
  const context = await world.browser.newContext();
  const tablet = await context.newPage();
  watchErrors(tablet, errors);

  await t.test('offline, the head proposes a model of the centre; back online it is sent', async () => {
    await signIn(tablet, world.server.base, 'tamduong.giamdoc');
    await tablet.click('#nav-models');
    await tablet.waitForSelector('tr.model-row', { timeout: 15_000 });
    await synced(tablet);
    // Offline, search finds the demo's recognised model typed without diacritics.
    await goOffline(context, tablet);
    await tablet.click('#nav-search');
    await tablet.fill('#search-box', 'ban tin zalo');
    await tablet.locator('#search-results li:has-text("Bản tin phát thanh cơ sở trên Zalo")').waitFor({ timeout: 5_000 });
    await tablet.click('#nav-models');
    await tablet.click('#new-model');
    await tablet.fill('#model-name', NAME);
    await tablet.selectOption('#model-subject-kind', 'collective');
    await tablet.selectOption('#model-subject', 'ttvh-tam-duong');
    await tablet.fill('#model-field', 'Tuyên truyền lưu động');
    await tablet.fill('#model-story', 'Sáu viên chức đi xe đạp điện gắn loa tới 14 xã vùng sâu, 96 buổi năm 2026.');
    await tablet.fill('#model-evidence', 'Sổ theo dõi tuyên truyền lưu động năm 2026');
    await tablet.check('#model-consent');
    await tablet.locator(`tr.model-row:has-text("${NAME}")`).waitFor({ timeout: 5_000 });
    await context.setOffline(false);
    await tablet.click('#sync-now');
    await tablet.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
    await confirmStep(tablet, 'submit-model');
    await eventually(() => world.server.query(
      `select count(*) from records r join record_fields f on f.record_id = r.id
       where r.kind = 'advanced_model' and r.state = 'submitted' and f.name = 'name' and f.value = '${JSON.stringify(NAME)}'`)[0][0] === 1,
    15_000, 'the proposal reaches the server, sent');
  });

  await t.test('the office moves it on, stage by stage, and recognises it by a decision', async () => {
    const office = await (await world.browser.newContext()).newPage();
    watchErrors(office, errors);
    await signIn(office, world.server.base, 'vanphong');
    await office.click('#nav-models');
    const row = office.locator(`table.registry tr.model-row:has-text("${NAME}")`);
    await row.waitFor({ timeout: 15_000 });
    assert.equal(await row.locator('.stage').innerText(), 'Đã đăng ký');
    await row.locator('button.advance').click();
    await eventually(async () => await row.locator('.stage').innerText() === 'Đang bồi dưỡng, xây dựng', 15_000, 'nurtured');
    await row.locator('button.advance').click();
    await office.waitForSelector('#registry-message:has-text("Cần ghi số, ngày quyết định")', { timeout: 10_000 });
    await row.locator('input.decision').fill('31/QĐ-STTTT ngày 20/11/2026');
    await row.locator('button.advance').click();
    await eventually(async () => await row.locator('.stage').innerText() === 'Được công nhận', 15_000, 'recognised');
  });

  await t.test('the public page shows it, and the tablet sees the stage', async () => {
    const visitor = await (await world.browser.newContext()).newPage();
    await visitor.goto(`${world.server.base}/cong-khai/`);
    const card = visitor.locator(`#models article.model:has-text("${NAME}")`);
    await card.waitFor({ timeout: 10_000 });
    assert.match(await card.innerText(), /Được công nhận: 31\/QĐ-STTTT ngày 20\/11\/2026/);
    await tablet.click('#sync-now');
    const row = tablet.locator(`tr.model-row:has-text("${NAME}")`);
    await eventually(async () => await row.locator('.stage').innerText() === 'Được công nhận', 15_000, 'the tablet pulls it');
  });

  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
