// The cluster of the four district centres: two centres score themselves with no network; back online their
// heads send the scores; the leading centre reviews its deputy's figures (whose late Q3 report already costs it);
// the office gives its part and publishes; the ranking reaches the tablets, and the leading centre's nomination
// for Cờ thi đua shows the condition met from the ranking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors, goOffline, confirmStep } from './harness.mjs';

const world = useServerAndBrowser();

/** Fills the self-score offline: `films` of a plan of 100 screenings, full marks elsewhere. */
async function scoreOffline(context, page, login, films) {
  await signIn(page, world.server.base, login);
  await page.click('#nav-clusters');
  await page.waitForSelector('#self-score tr.criterion', { timeout: 15_000 });
  await goOffline(context, page);
  const row = (code) => page.locator(`#self-score tr.criterion[data-code="${code}"]`);
  for (const [code, plan, actual] of [['tuyen-truyen', '40', '40'], ['van-nghe', '100', films], ['the-thao', '3', '3'], ['vi-pham', '5', '5']]) {
    await row(code).locator('input.plan').fill(plan);
    await row(code).locator('input.plan').dispatchEvent('change');
    await row(code).locator('input.actual').fill(actual);
    await row(code).locator('input.actual').dispatchEvent('change');
  }
  await row('van-nghe').locator('input.evidence').fill('Biên bản nghiệm thu các buổi chiếu phim');
  await row('van-nghe').locator('input.evidence').dispatchEvent('change');
  for (const code of ['phong-trao', 'bao-cao']) await row(code).locator('select.grade').selectOption('A');
  await eventually(async () => /Cộng: \d/.test(await page.textContent('#self-score-total')), 5_000, 'the total follows');
  await context.setOffline(false);
  await page.click('#sync-now');
  await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
  await confirmStep(page, 'submit-cluster-score');
  await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
  await eventually(() => world.server.query(
    `select count(*) from records where kind = 'cluster_score' and state = 'submitted' and unit_id = '${login.startsWith('tamduong') ? 'ttvh-tam-duong' : 'ttvh-lap-thach'}'`)[0][0] === 1,
  15_000, `${login}'s score reaches the server, sent`);
}

test('two centres score offline, the leader reviews, the office publishes, and the flag reads the ranking', async (t) => {
  const errors = [];
  const tamDuongContext = await world.browser.newContext();
  const tamDuong = await tamDuongContext.newPage();
  watchErrors(tamDuong, errors);
  const lapThachContext = await world.browser.newContext();
  const lapThach = await lapThachContext.newPage();
  watchErrors(lapThach, errors);

  await t.test('each head scores the centre offline and sends it back online', async () => {
    await scoreOffline(tamDuongContext, tamDuong, 'tamduong.giamdoc', '110');
    assert.match(await tamDuong.textContent('#self-score-total'), /Phần I: 100 điểm · Phần II \(vượt kế hoạch\): 2 điểm/);
    await scoreOffline(lapThachContext, lapThach, 'lapthach.giamdoc', '100');
  });

  await t.test("the leader sees the deputy's late report cost it, and reviews its figures", async () => {
    await tamDuong.reload();
    await tamDuong.click('#nav-clusters');
    const deputy = tamDuong.locator('#cluster-board tr.board-row[data-unit="ttvh-lap-thach"]');
    await deputy.waitFor({ timeout: 15_000 });
    assert.match(await deputy.locator('.part-three').innerText(), /Báo cáo Quý III\/2026 gửi muộn 12 ngày \(-10\)/);
    assert.equal(await deputy.locator('.total').innerText(), '90');
    await deputy.locator('details.review summary').click();
    const films = deputy.locator('div.review-entry[data-code="van-nghe"]');
    assert.equal(await films.locator('input.plan').inputValue(), '100', "the member's own figures to start from");
    assert.equal(await deputy.locator('div.review-entry[data-code="phong-trao"] input.grade').inputValue(), 'A');
    await films.locator('input.actual').fill('90');
    await films.locator('input.actual').dispatchEvent('change');
    await deputy.locator('button.save-review').click();
    await eventually(async () => /Đã lưu điểm thẩm định/.test(await tamDuong.textContent('#board-message')), 10_000,
      `the review is saved, and the board says so (it says: "${await tamDuong.textContent('#board-message')}")`);
    await eventually(async () => await deputy.locator('.total').innerText() === '88', 10_000, 'the reviewed figure counts');
    assert.equal(await tamDuong.locator('#cluster-board tr.board-row[data-unit="ttvh-tam-duong"] details.review').count(), 0,
      'the leader does not review its own centre');
  });

  await t.test('the office gives part III and publishes the ranking', async () => {
    const office = await (await world.browser.newContext()).newPage();
    watchErrors(office, errors);
    await signIn(office, world.server.base, 'vanphong');
    await office.click('#nav-clusters');
    const deputy = office.locator('#cluster-board tr.board-row[data-unit="ttvh-lap-thach"]');
    await deputy.waitFor({ timeout: 15_000 });
    await deputy.locator('details.standing summary').click();
    await deputy.locator('details.standing input[data-code="sang-tao"]').check();
    await deputy.locator('button.save-standing').click();
    await eventually(async () => await deputy.locator('.total').innerText() === '93', 10_000, 'the bonus counts');
    office.once('dialog', (dialog) => dialog.accept());
    await office.click('#publish-ranking');
    await office.waitForSelector('#cluster-ranking tr[data-unit="ttvh-tam-duong"]', { timeout: 15_000 });
    const stored = JSON.parse(world.server.query(`select body from clusters`)[0][0]);
    const standings = stored.years[0].ranking.standings.map((s) => [s.unit_id, s.rank, s.total, s.proposed]);
    assert.deepEqual(standings, [['ttvh-tam-duong', 1, 102, 'co-bo-tinh'], ['ttvh-lap-thach', 2, 93, 'co-bo-tinh']]);

    // The office defines a second block from the first one's definition: two centres, led by Vĩnh Tường.
    await office.click('details.definition.new summary');
    await office.fill('#new-cluster-id', 'khoi-thu-nghiem');
    const template = JSON.parse(await office.inputValue('details.definition.new textarea'));
    template.name = 'Khối thi đua thử nghiệm';
    template.kind = 'khoi';
    template.members = template.members.filter((m) => ['ttvh-vinh-tuong', 'ttvh-phuc-yen'].includes(m.unit_id));
    template.years[0].leader = 'ttvh-vinh-tuong';
    template.years[0].deputies = ['ttvh-phuc-yen'];
    await office.fill('details.definition.new textarea', JSON.stringify(template, null, 2));
    await office.click('#add-cluster');
    await office.waitForSelector('#definition-message:has-text("Đã lưu “Khối thi đua thử nghiệm” (phiên bản 1)")', { timeout: 10_000 });
    // The saved cluster comes back with the reference data and the definitions are drawn again; the message stays.
    await office.waitForSelector('details.definition[data-cluster="khoi-thu-nghiem"]', { timeout: 15_000 });
    assert.match(await office.innerText('#definition-message'), /Đã lưu “Khối thi đua thử nghiệm” \(phiên bản 1\)/);
    assert.deepEqual(world.server.query('select id from clusters order by id'), [['cum-ttvh-cap-huyen'], ['khoi-thu-nghiem']]);
  });

  await t.test("the ranking reaches the leader's tablet and its nomination for Cờ thi đua reads it", async () => {
    await tamDuong.click('#sync-now');
    await tamDuong.click('#nav-clusters');
    await tamDuong.waitForSelector('#cluster-ranking tr[data-unit="ttvh-tam-duong"] td.rank:text-is("1")', { timeout: 15_000 });
    await tamDuong.click('#nav-nominations');
    // The ranking proposes the centre for Cờ thi đua: one click starts that nomination.
    const proposal = tamDuong.locator('p.proposed-by-ranking:has(button[data-title="co-bo-tinh"])');
    await proposal.waitFor({ timeout: 10_000 });
    assert.match(await proposal.innerText(), /Theo kết quả xếp hạng Cụm thi đua .* năm 2026, đơn vị được đề xuất Cờ thi đua/);
    await proposal.locator('button').click();
    assert.equal(await tamDuong.inputValue('#nomination-kind'), 'collective');
    assert.equal(await tamDuong.inputValue('#nomination-title'), 'co-bo-tinh');
    const item = tamDuong.locator('#eligibility li.item:has-text("Xếp thứ 1/4")');
    await item.waitFor({ timeout: 10_000 });
    assert.equal(await item.getAttribute('data-met'), 'true');
    assert.match(await item.innerText(), /Cụm thi đua các Trung tâm Văn hóa - Thông tin cấp huyện năm 2026, trong chỉ tiêu đề nghị/);
    // Once it is drafted, the ranking does not propose it again.
    await eventually(async () => await proposal.count() === 0, 10_000, 'the proposal is taken');
  });

  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
