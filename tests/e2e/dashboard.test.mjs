// The office's dashboard: the demo's late report shows as late, and a click on a bar shows the list it counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors } from './harness.mjs';

const world = useServerAndBrowser();

test('the dashboard shows a late report as late, and each bar opens its list', async () => {
  const errors = [];
  const office = await (await world.browser.newContext()).newPage();
  watchErrors(office, errors);
  // The current quarter's answer is held back until after the chosen one's: a slow answer must not overwrite a
  // newer choice (CI once showed Q4 under "Quý III" this way).
  let held = false;
  await office.route('**/api/dashboard/2026/4', async (route) => {
    if (!held) {
      held = true;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    await route.continue();
  });
  await signIn(office, world.server.base, 'vanphong');
  await office.click('#nav-dashboard');
  await office.selectOption('#dashboard-year', '2026');
  await office.selectOption('#dashboard-quarter', '3');
  await office.waitForTimeout(2_500);
  const lapThach = office.locator('#dashboard-reports tr[data-unit="ttvh-lap-thach"]');
  await eventually(async () => await lapThach.getAttribute('data-timing') === 'late', 10_000, 'Q3 is shown');
  assert.equal(await lapThach.locator('td.timing').innerText(), 'Gửi ngày 27/09/2026, muộn 12 ngày');
  assert.equal(await office.locator('#dashboard-reports tr[data-unit="ttvh-tam-duong"]').getAttribute('data-timing'), 'missing');

  const late = office.locator('#chart-reports g.bar[data-key="late"]');
  assert.equal(await late.getAttribute('data-count'), '1');
  await late.click();
  const list = office.locator('#chart-reports .bar-items li');
  assert.deepEqual(await list.allInnerTexts(), ['Trung tâm Văn hóa - Thông tin - Thể thao huyện Lập Thạch: Gửi ngày 27/09/2026, muộn 12 ngày']);

  // The demo round's two dossiers were accepted by the office: the status chart counts them, and lists them.
  const approved = office.locator('#chart-nominations-status g.bar[data-key="approved"]');
  assert.equal(await approved.getAttribute('data-count'), '2');
  await approved.click();
  const dossiers = await office.locator('#chart-nominations-status .bar-items li').allInnerTexts();
  assert.equal(dossiers.length, 2);
  assert.ok(dossiers.every((d) => /Chiến sĩ thi đua/.test(d)), dossiers.join(' | '));
  assert.match(await office.locator('#chart-direct-workers figcaption').innerText(), /mục tiêu 30%/);

  await office.selectOption('#dashboard-quarter', '4');
  await eventually(async () => await lapThach.getAttribute('data-timing') === 'not-due', 10_000, 'Q4 is not due yet');
  // The demo's movements ran until 2025: that year's chart draws the five-year one as running.
  await office.selectOption('#dashboard-year', '2025');
  const running = office.locator('#chart-movements g.movement.running');
  await running.first().waitFor({ timeout: 10_000 });
  assert.match(await running.first().locator('title').textContent(), /2021 – 31\/12\/2025 \(đang diễn ra\)/);
  assert.deepEqual(errors, []);
});
