// The admin's screens, as an admin uses them: an account made in the form signs in at once and, locked, no longer
// does; a merge recorded on the units screen ("Lập Thạch continued as Tam Dương from today") brings the merged
// unit's people and their history to the successor's tablet, which had already pulled past them, and its
// eligibility panel counts them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors } from './harness.mjs';

const world = useServerAndBrowser();

test('an admin manages accounts and records a merge; the history of the merged unit counts', async (t) => {
  const errors = [];
  const admin = await (await world.browser.newContext()).newPage();
  watchErrors(admin, errors);
  await signIn(admin, world.server.base, 'quantri');

  await t.test('an account made in the form signs in at once', async () => {
    await admin.click('#nav-accounts');
    await admin.waitForSelector('#account-list tr[data-login="quantri"]', { timeout: 15_000 });
    await admin.fill('#account-login', 'tamduong.thu');
    await admin.fill('#account-name', 'Ngô Thị Thu');
    await admin.fill('#account-position', 'Viên chức thư viện');
    await admin.selectOption('#account-role', 'staff');
    await admin.selectOption('#account-unit', { label: 'Trung tâm Văn hóa - Thông tin - Thể thao huyện Tam Dương' });
    await admin.fill('#account-password', 'matkhau-moi-2026');
    await admin.click('#new-account button[type=submit]');
    await admin.waitForSelector('#account-list tr[data-login="tamduong.thu"]', { timeout: 10_000 });
    assert.match(await admin.textContent('#accounts-message'), /Đã tạo tài khoản tamduong\.thu/);

    const thu = await (await world.browser.newContext()).newPage();
    await thu.goto(world.server.base);
    await thu.fill('#login', 'tamduong.thu');
    await thu.fill('#password', 'matkhau-moi-2026');
    await thu.click('button[type=submit]');
    await thu.waitForSelector('#net-status');
    assert.match(await thu.textContent('.topbar'), /Ngô Thị Thu · Cán bộ · Trung tâm Văn hóa - Thông tin - Thể thao huyện Tam Dương/);
  });

  await t.test('locked, the account signs in no more', async () => {
    await admin.click('#account-list tr[data-login="tamduong.thu"] .edit-account');
    await admin.check('#edit-account-disabled');
    await admin.click('#edit-account button[type=submit]');
    await eventually(async () => (await admin.textContent('#account-list tr[data-login="tamduong.thu"] .account-state')) === 'Đã khoá',
      10_000, 'the list shows it locked');
    const page = await (await world.browser.newContext()).newPage();
    await page.goto(world.server.base);
    await page.fill('#login', 'tamduong.thu');
    await page.fill('#password', 'matkhau-moi-2026');
    await page.click('button[type=submit]');
    await page.waitForSelector('.login .error:has-text("khoá")', { timeout: 10_000 });
    assert.equal(world.server.query("select disabled from users where login = 'tamduong.thu'")[0][0], 1);
  });

  await t.test("a merge brings the merged unit's people and history to the successor's tablet", async () => {
    const head = await (await world.browser.newContext()).newPage();
    watchErrors(head, errors);
    await signIn(head, world.server.base, 'tamduong.giamdoc');
    await head.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
    await head.click('#nav-nominations');
    await head.click('#new-nomination');
    await head.waitForSelector('#nomination-nominee option:has-text("Trần Thị Lan")', { state: 'attached', timeout: 15_000 });
    assert.equal(await head.locator('#nomination-nominee option:has-text("Triệu Văn Long")').count(), 0, 'not yet theirs');

    await admin.click('#nav-units');
    await admin.waitForSelector('#unit-list tr[data-unit="ttvh-lap-thach"]', { timeout: 10_000 });
    await admin.check('#new-merge input.merge-from[data-unit="ttvh-lap-thach"]');
    await admin.selectOption('#merge-into', 'ttvh-tam-duong');
    const today = new Date().toISOString().slice(0, 10);
    await admin.fill('#merge-on', today);
    await admin.click('#record-merge');
    assert.match(await admin.textContent('#record-merge ~ .confirm'), /Ngừng hoạt động: Trung tâm Văn hóa - Thông tin - Thể thao huyện Lập Thạch/);
    await admin.click('#record-merge ~ .confirm .confirm-yes');
    await admin.waitForSelector('#units-message:has-text("Đã ghi nhận hợp nhất")', { timeout: 10_000 });
    await eventually(async () => /Tiếp nối Trung tâm Văn hóa - Thông tin - Thể thao huyện Lập Thạch/
      .test(await admin.textContent('#unit-list tr[data-unit="ttvh-tam-duong"] .lineage')), 10_000, 'the lineage shows the merge');
    assert.deepEqual(world.server.query("select from_unit, into_unit from unit_merges where into_unit = 'ttvh-tam-duong'"),
      [['ttvh-lap-thach', 'ttvh-tam-duong']]);

    // The head's tablet pulled past Lập Thạch's records long ago; "Đồng bộ ngay" fetches the merge and them.
    await head.click('#sync-now');
    await head.waitForSelector('#nomination-nominee option:has-text("Triệu Văn Long")', { state: 'attached', timeout: 20_000 });
    await head.fill('#nomination-year', '2025');
    await head.selectOption('#nomination-nominee', { label: 'Triệu Văn Long' });
    await head.selectOption('#nomination-title', { label: 'Lao động tiên tiến' });
    await head.waitForSelector('#eligibility[data-eligible="true"]', { timeout: 10_000 });
    assert.match(await head.textContent('#eligibility'), /Năm 2025 xếp loại "hoàn thành xuất sắc nhiệm vụ"/);
    assert.match(await head.textContent('#report-history'), /2025\s*Chiến sĩ thi đua cơ sở/, 'his award history came with him');
  });

  assert.deepEqual(errors, []);
});
