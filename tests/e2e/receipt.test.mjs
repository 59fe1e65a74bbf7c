// Receipt (tiếp nhận): a unit head nominates two people with no network and ticks the documents each dossier
// holds; back online the nominations are submitted; the office sees at a glance which dossier is complete and
// what the other lacks, accepts both, and both wait for the council.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors, NOT_DEMO, goOffline, confirmStep, openDossier, approveIn, synced } from './harness.mjs';

const world = useServerAndBrowser();

async function nominate(page, person, documents) {
  await page.click('#new-nomination');
  await page.fill('#nomination-year', '2025');
  await page.selectOption('#nomination-nominee', { label: person });
  await page.selectOption('#nomination-title', { label: 'Lao động tiên tiến' });
  await page.waitForSelector('#eligibility[data-eligible="true"]', { timeout: 5_000 });
  const boxes = page.locator('#nomination-documents input[type=checkbox]');
  assert.equal(await boxes.count(), 3, 'Lao động tiên tiến: tờ trình, báo cáo thành tích, biên bản');
  for (const code of documents) await page.check(`#nomination-documents input[data-code="${code}"]`);
}

test('two nominations drafted offline reach the office, which sees what each dossier lacks and accepts both', async (t) => {
  const tablet = await world.browser.newContext();
  const page = await tablet.newPage();
  const errors = [];
  watchErrors(page, errors);

  await t.test('offline, the head nominates Lan with a full dossier and Minh without the minutes', async () => {
    await signIn(page, world.server.base, 'tamduong.giamdoc');
    await page.click('#nav-people');
    await page.waitForSelector('li.person >> text=Lê Văn Minh', { timeout: 15_000 });
    await synced(page);
    await goOffline(tablet, page);
    await page.click('#nav-nominations');
    await nominate(page, 'Trần Thị Lan', ['to-trinh', 'bao-cao-thanh-tich', 'bien-ban-hoi-dong']);
    await nominate(page, 'Lê Văn Minh', ['to-trinh', 'bao-cao-thanh-tich']);
    // What was ticked is kept with the draft.
    await page.click('tr.nomination-row:has-text("Trần Thị Lan") button');
    await page.waitForSelector('#nomination-documents input[data-code="bien-ban-hoi-dong"]:checked');
    // The achievement report, for the head to read before signing, made on the tablet without network.
    await page.click('#print-report');
    const report = await page.locator('#print-view').textContent();
    for (const phrase of ['DỰ THẢO', 'BÁO CÁO THÀNH TÍCH', 'Đề nghị tặng Lao động tiên tiến năm 2025', 'I. SƠ LƯỢC LÝ LỊCH',
      'Họ và tên: Trần Thị Lan', 'III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']) {
      assert.ok(report.includes(phrase), `the printed report says "${phrase}"`);
    }
  });

  await t.test('offline, search finds a colleague typed without diacritics', async () => {
    await page.click('#nav-search');
    await page.fill('#search-box', 'le van minh');
    const hits = page.locator('#search-results li');
    await hits.first().waitFor();
    const found = await hits.allInnerTexts();
    assert.ok(found.some((text) => /Cá nhân\s+Lê Văn Minh/.test(text)), found.join(' | '));
    assert.ok(found.some((text) => /Lê Văn Minh — Lao động tiên tiến 2025/.test(text)), 'and the nomination drafted offline');
    await page.click('#nav-nominations');
  });

  await t.test('back online, both are submitted with the verdict the server stores', async () => {
    await tablet.setOffline(false);
    await page.click('#sync-now');
    await eventually(() => world.server.query(`select count(*) from records where kind = 'nomination' and id ${NOT_DEMO}`)[0][0] === 2,
      15_000, 'both nominations reach the server');
    for (const person of ['Trần Thị Lan', 'Lê Văn Minh']) {
      await page.click(`tr.nomination-row:has-text("${person}") button`);
      await confirmStep(page, 'submit-nomination');
      await page.waitForSelector('#stored-verdict[data-eligible="true"]', { timeout: 15_000 });
    }
    const stored = world.server.query(`select value from record_fields where name = 'documents' and record_id ${NOT_DEMO} order by length(value)`);
    assert.deepEqual(stored.map(([v]) => JSON.parse(v).length), [2, 3]);
  });

  await t.test('the office sees at a glance what is missing, accepts both, and both wait for the council', async () => {
    const office = await (await world.browser.newContext()).newPage();
    watchErrors(office, errors);
    // A fresh device draws the rows from its records before the rulebook arrives (CI once read a false "complete,
    // 0/0" in between); holding the rulebook back makes that order certain here.
    await office.route('**/api/reference', async (route) => {
      await new Promise((r) => setTimeout(r, 2_000));
      await route.continue();
    });
    await signIn(office, world.server.base, 'vanphong');
    await office.click('#nav-nominations');
    const lan = office.locator('table.review tr:has-text("Trần Thị Lan"):has-text("Lao động tiên tiến")');
    const minh = office.locator('table.review tr:has-text("Lê Văn Minh"):has-text("Lao động tiên tiến")');
    await minh.waitFor({ timeout: 15_000 });
    assert.equal(await lan.locator('.dossier').count(), 0, 'no checklist before the rulebook says what a dossier needs');
    await eventually(async () => await lan.locator('.dossier').innerText() === 'Hồ sơ đủ 3/3 giấy tờ',
      15_000, 'the checklist follows the rulebook once it arrives');
    assert.equal(await minh.locator('.dossier').getAttribute('data-complete'), 'false');
    assert.match(await minh.locator('.dossier').innerText(),
      /^Hồ sơ thiếu 1\/3: Biên bản họp Hội đồng Thi đua - Khen thưởng cấp trình, kèm kết quả bỏ phiếu kín$/);
    await approveIn(await openDossier(office, lan));
    const dossier = await openDossier(office, minh);
    await dossier.locator('button.approve').click();
    assert.match(await dossier.locator('.confirm').innerText(), /Thiếu giấy tờ: Biên bản họp Hội đồng Thi đua - Khen thưởng cấp trình/,
      'approving asks first, naming the missing document');
    await dossier.locator('.confirm .confirm-yes').click();
    await eventually(() => world.server.query(`select count(*) from records where state = 'approved' and id ${NOT_DEMO}`)[0][0] === 2,
      15_000, 'both acceptances reach the server');
    await office.click('#nav-council');
    for (const person of ['Trần Thị Lan', 'Lê Văn Minh', 'Đỗ Thị Hoa']) {
      await office.waitForSelector(`#council-candidates tr:has-text("${person}")`, { timeout: 15_000 });
    }
  });

  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
