// The yearly cycle on the tablets: the office launches a movement; offline, a centre registers its titles and
// targets, keeps a person's record and reports the quarter against its targets; back online the head submits
// the registration and the office approves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, localRecords, watchErrors, goOffline, confirmStep, openDossier, approveIn } from './harness.mjs';

const world = useServerAndBrowser();

const MOVEMENT = 'Thi đua chuyển đổi số cơ sở năm 2026';
const TARGET = '100% xã có bản tin số phát thanh cơ sở';

test('movement, registration, people and quarterly results, offline then synced', async (t) => {
  const errors = [];
  const officeContext = await world.browser.newContext();
  const office = await officeContext.newPage();
  watchErrors(office, errors);
  const tablet = await world.browser.newContext();
  const page = await tablet.newPage();
  watchErrors(page, errors);

  await t.test('the office launches a movement', async () => {
    await signIn(office, world.server.base, 'vanphong');
    await office.click('#nav-movements');
    await office.click('#new-movement');
    await office.click('#save-movement');
    await office.waitForSelector('#movement-message:has-text("Tên phong trào không được để trống")', { timeout: 15_000 });
    await office.fill('#movement-name', MOVEMENT);
    await office.fill('#movement-theme', 'Chuyển đổi số từ cơ sở');
    await office.selectOption('#movement-kind', 'chuyên đề');
    await office.fill('#movement-number', '12/KH-STTTT');
    await office.fill('#movement-issuer', 'Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc');
    await office.fill('#movement-fields', 'Ứng dụng công nghệ thông tin\nBáo chí, truyền thông');
    await office.click('#save-movement');
    await office.waitForSelector(`#movement-message:has-text("Đã lưu phong trào")`);
    await office.waitForSelector(`.movement-row .movement:has-text("${MOVEMENT}")`, { timeout: 15_000 });
  });

  await t.test('a staff tablet receives it, then works offline', async () => {
    await signIn(page, world.server.base, 'tamduong.lan');
    await page.click('#nav-movements');
    await page.waitForSelector(`.movement-row .movement:has-text("${MOVEMENT}")`, { timeout: 15_000 });
    await page.click('#nav-people');
    await page.waitForSelector('li.person >> text=Lê Văn Minh', { timeout: 15_000 });
    await goOffline(tablet, page);
  });

  await t.test('offline: registration with a target, a person\'s record, the quarter\'s result', async () => {
    await page.click('#nav-registration');
    await page.selectOption('#registration-movement', { label: MOVEMENT });
    await page.selectOption('#registration-unit-title', { label: 'Tập thể lao động xuất sắc' });
    await page.click('#add-target');
    await page.locator('.target-row select.field-name').first().selectOption('Ứng dụng công nghệ thông tin');
    await page.locator('.target-row input.target-text').first().fill(TARGET);
    const minh = page.locator('tr:has-text("Lê Văn Minh") select.person-title');
    await minh.selectOption({ label: 'Lao động tiên tiến' });

    await page.click('#nav-people');
    await page.click('li.person button:has-text("Lê Văn Minh")');
    await page.fill('#person-position', 'Viên chức thông tin cơ sở, phụ trách bản tin số');
    await page.click('#add-initiative');
    await page.locator('.initiative-row input.number').first().fill('07/QĐ-TTVH');
    await page.locator('.initiative-row input.name').first().fill('Loa thông minh kết nối bản tin số');

    await page.click('#nav-quarterly');
    const row = page.locator('tr.result-row');
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(TARGET));
    await row.locator('select.result').selectOption('Đạt');
    await row.locator('input.figure').fill('12/12 xã');
    await row.locator('input.score').fill('95');

    // Everything is on the tablet, waiting.
    await eventually(async () => {
      const records = await localRecords(page, 'tamduong.lan');
      const registration = records.find((r) => r.kind === 'registration');
      const report = records.find((r) => r.kind === 'self_assessment');
      const person = records.find((r) => r.kind === 'person' && r.fields.full_name === 'Lê Văn Minh');
      return registration?.fields.targets?.[0]?.text === TARGET
        && Object.values(report?.fields.results ?? {})[0]?.score === 95
        && person?.fields.initiatives?.[0]?.number === '07/QĐ-TTVH';
    }, 5_000, 'the three records are stored on the tablet');
    assert.ok(Number(await page.getAttribute('#pending-count', 'data-pending')) > 0);
  });

  await t.test('back online, it all reaches the server', async () => {
    await tablet.setOffline(false);
    await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
    const [[targets]] = world.server.query("select value from record_fields where name = 'targets'");
    assert.equal(JSON.parse(targets)[0].text, TARGET);
    const [[results]] = world.server.query("select value from record_fields where name = 'results'");
    assert.equal(Object.values(JSON.parse(results))[0].figure, '12/12 xã');
  });

  await t.test('the head submits the registration; the office approves it', async () => {
    const headContext = await world.browser.newContext();
    const head = await headContext.newPage();
    watchErrors(head, errors);
    await signIn(head, world.server.base, 'tamduong.giamdoc');
    await head.click('#nav-registration');
    await head.waitForSelector('#submit-registration', { timeout: 15_000 });
    await confirmStep(head, 'submit-registration');
    await head.waitForSelector('#registration-state[data-state="submitted"]');
    await eventually(() => world.server.query("select state from records where kind = 'registration'")[0]?.[0] === 'submitted',
      15_000, 'the submission reaches the server');

    await office.click('#nav-registration');
    await office.click('#sync-now');
    const row = office.locator('table.review tr[data-unit="ttvh-tam-duong"]');
    await eventually(async () => /Chờ duyệt/.test(await row.textContent()), 15_000, 'the office sees it waiting');
    assert.match(await row.textContent(), /Tập thể lao động xuất sắc · 1 chỉ tiêu/);
    await approveIn(await openDossier(office, row));
    await eventually(() => world.server.query("select state from records where kind = 'registration'")[0][0] === 'approved',
      15_000, 'the approval reaches the server');
    await headContext.close();
  });

  assert.deepEqual(errors, []);
});

test("an admin's edit of the rulebook reaches the tablets' eligibility panel", async (t) => {
  const errors = [];
  const head = await (await world.browser.newContext()).newPage();
  watchErrors(head, errors);
  const admin = await (await world.browser.newContext()).newPage();
  watchErrors(admin, errors);

  await t.test('LĐTT for someone rated only "hoàn thành" fails', async () => {
    await signIn(head, world.server.base, 'tamduong.giamdoc');
    await head.click('#nav-nominations');
    await head.click('#new-nomination');
    await head.fill('#nomination-year', '2025');
    await head.selectOption('#nomination-nominee', { label: 'Nguyễn Thị Mai' });
    await head.selectOption('#nomination-title', { label: 'Lao động tiên tiến' });
    await head.waitForSelector('#eligibility[data-eligible="false"]');
    assert.match(await head.textContent('#eligibility'), /cần từ "hoàn thành tốt nhiệm vụ" trở lên/);
  });

  await t.test('the admin lowers the threshold in the form; deleting a statutory title (as JSON) is refused', async () => {
    await signIn(admin, world.server.base, 'quantri');
    await admin.waitForSelector('details.rule', { timeout: 15_000 });
    await admin.click('#rules-expert summary');
    await admin.waitForFunction(() => document.querySelector('#rules-json')?.value.length > 100, null, { timeout: 15_000 });
    const original = await admin.inputValue('#rules-json');
    const book = JSON.parse(original);

    const withoutGiayKhen = { ...book, titles: book.titles.filter((title) => title.code !== 'giay-khen') };
    await admin.fill('#rules-json', JSON.stringify(withoutGiayKhen, null, 2));
    await admin.click('#apply-rules-json');
    assert.equal(await admin.locator('#rules-titles tr[data-code="giay-khen"]').count(), 0, 'the form follows the JSON');
    await admin.click('#save-rules');
    await admin.waitForSelector('#rules-message:has-text("không được xóa")', { timeout: 15_000 });
    assert.match(await admin.textContent('#rules-message'), /"Giấy khen" thuộc danh mục theo luật, không được xóa/);
    await admin.fill('#rules-json', original);
    await admin.click('#apply-rules-json');

    // The threshold, in the form: LĐTT under Nghị định 152 needs "hoàn thành" from now on.
    const rule = admin.locator('details.rule[data-title="ldtt"][data-regimes~="luat-2022-nd152"]');
    await rule.locator('summary').click();
    await rule.locator('.check-editor[data-check="min_rating"] select[data-field="rating"]').selectOption('hoan_thanh');
    assert.equal(await rule.getAttribute('open'), '', 'the section stays open after the edit');
    await admin.click('#save-rules');
    await admin.waitForSelector('#rules-message:has-text("phiên bản 2")', { timeout: 15_000 });
    const saved = JSON.parse(world.server.query('select body from rulebooks order by version desc limit 1')[0][0]);
    const ldtt = saved.rules.find((r) => r.title === 'ldtt' && r.regimes.includes('luat-2022-nd152'));
    assert.equal(ldtt.conditions.find((c) => c.check.min_rating).check.min_rating.rating, 'hoan_thanh');
    assert.deepEqual(saved.titles.map((t) => t.code), book.titles.map((t) => t.code), 'nothing else changed in the catalog');
  });

  await t.test('after a sync the panel passes, under the new edition', async () => {
    await head.click('#sync-now');
    await head.waitForSelector('#eligibility[data-eligible="true"]', { timeout: 15_000 });
    assert.match(await head.textContent('#eligibility'), /Năm 2025 xếp loại "hoàn thành nhiệm vụ"/);
  });

  assert.deepEqual(errors, []);
});
