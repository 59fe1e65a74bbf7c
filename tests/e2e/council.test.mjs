// The council session on the demo round, in the office's bundle: two accepted nominations for Chiến sĩ thi đua
// cấp tỉnh, a session of the 19 members, a count of 18/19 and 16/19 that passes only the first under the 90%
// rule, the minutes, the secretary's and the chair's confirmation, and the lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, watchErrors } from './harness.mjs';

const world = useServerAndBrowser();

async function fillTally(row, counts) {
  for (const [field, value] of Object.entries(counts)) {
    await row.locator(`input.tally-${field}`).fill(String(value));
  }
  await row.locator('button.save-tally').click();
}

test('a council session counts, decides by the rule of the title, and locks', async (t) => {
  const errors = [];
  const office = await (await world.browser.newContext()).newPage();
  watchErrors(office, errors);

  await t.test('the office prepares a session from the accepted nominations', async () => {
    await signIn(office, world.server.base, 'vanphong');
    await office.click('#nav-council');
    await office.waitForSelector('#council-roster tbody tr:nth-child(19)', { timeout: 15_000 });
    await office.waitForSelector('#council-candidates tr:has-text("Đỗ Thị Hoa")');
    await office.waitForSelector('#council-candidates tr:has-text("Triệu Văn Long")');
    for (const box of await office.locator('.candidate-pick').all()) await box.check();
    await office.fill('#session-date', '2026-12-10');
    await office.fill('#session-place', 'Phòng họp tầng 3, Sở Thông tin và Truyền thông');
    await office.click('#prepare-session');
    await office.waitForSelector('#council-message:has-text("Đã lập phiên họp với 2 hồ sơ")');
    assert.equal(await office.locator('#council-candidates .candidate-pick').count(), 0, 'no longer waiting');
  });

  await t.test('no count before the quorum; then 18/19 passes and 16/19 does not', async () => {
    const hoa = office.locator('.candidate-row:has-text("Đỗ Thị Hoa")');
    const long = office.locator('.candidate-row:has-text("Triệu Văn Long")');
    await fillTally(hoa, { issued: 19, returned: 19, valid: 19, yes: 18, no: 1 });
    await office.waitForSelector('#council-message:has-text("Chưa đủ số thành viên để biểu quyết: 0/19")');
    await office.click('#all-present');
    await office.click('#save-attendance');
    await office.waitForSelector('#session-summary:has-text("có mặt 19")');
    // What was typed for Hoa is still there after the attendance was saved.
    assert.equal(await hoa.locator('input.tally-yes').inputValue(), '18');
    await hoa.locator('button.save-tally').click();
    await office.waitForSelector('.candidate-row:has-text("Đỗ Thị Hoa") .result:has-text("18/19 đồng ý (94,7%), cần 18: Đạt")');
    await fillTally(long, { issued: 19, returned: 19, valid: 19, yes: 16, no: 2 });
    await office.waitForSelector('#council-message:has-text("phải cộng lại bằng số phiếu hợp lệ (19)")');
    await long.locator('input.tally-no').fill('3');
    await long.locator('button.save-tally').click();
    await office.waitForSelector('.candidate-row:has-text("Triệu Văn Long") .result:has-text("16/19 đồng ý (84,2%), cần 18: Không đạt")');
    const rule = await office.locator('.candidate-row:has-text("Triệu Văn Long") .rule').innerText();
    assert.match(rule, /Bỏ phiếu kín, từ 90% trở lên tổng số thành viên Hội đồng/);
  });

  await t.test('the minutes, confirmed by the secretary and then the chair, lock the session', async () => {
    await office.click('#show-minutes');
    const minutes = await office.locator('#minutes').innerText();
    assert.match(minutes, /Chủ trì: Đặng Văn Quang/);
    assert.match(minutes, /Kết luận: đề nghị cấp có thẩm quyền khen thưởng: Đỗ Thị Hoa \(Chiến sĩ thi đua Bộ, ban, ngành, tỉnh\)\./);
    await office.click('#confirm-minutes');
    await office.waitForSelector('#council-message:has-text("Đã xác nhận biên bản")');

    const chair = await (await world.browser.newContext()).newPage();
    watchErrors(chair, errors);
    await signIn(chair, world.server.base, 'hoidong.chutich');
    await chair.click('#nav-council');
    await chair.click('.open-session');
    await chair.click('#confirm-minutes');
    await chair.waitForSelector('#session-summary:has-text("phiên họp đã khóa")');
    assert.equal(await chair.locator('#save-attendance').count(), 0, 'a council member reads, never edits');
    const [[locked]] = world.server.query('select closed from council_sessions');
    assert.equal(locked, 1);
  });

  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
