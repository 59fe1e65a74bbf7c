// The office's half on the demo round, in the office's bundle: two accepted nominations for Chiến sĩ thi đua
// cấp tỉnh, a session of the 19 members, a count of 18/19 and 16/19 that passes only the first under the 90%
// rule, the minutes, the secretary's and the chair's confirmation and the lock; the decision with its cash and
// its number; then the unit's tablet: the award in the person's history, the notice for the other candidate,
// and a panel that counts the award; the minutes and the decision as DOCX, the returns and a list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
    await office.waitForSelector('#council-candidates .candidate-pick', { state: 'detached' });
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
    const [minutesFile] = await Promise.all([
      chair.waitForEvent('download'),
      chair.click('#session-documents button:has-text("Biên bản họp")'),
    ]);
    assert.equal(minutesFile.suggestedFilename(), 'bien-ban-hop-hoi-dong-2026-12-10.docx');
  });

  await t.test('the list is published and the public comments without signing in', async () => {
    await office.click('#nav-publication');
    await office.waitForSelector('#publication-session option:has-text("Phiên ngày 10/12/2026")', { state: 'attached' });
    await office.selectOption('#publication-session', { label: 'Phiên ngày 10/12/2026 tại Phòng họp tầng 3, Sở Thông tin và Truyền thông' });
    await office.click('#publish');
    await office.waitForSelector('#publication-message:has-text("Đã công khai 1 người được đề nghị")');

    const visitor = await (await world.browser.newContext()).newPage();
    watchErrors(visitor, errors);
    await visitor.goto(`${world.server.base}/cong-khai/`);
    const card = visitor.locator('.candidate:has-text("Đỗ Thị Hoa")');
    await card.waitFor();
    assert.equal(await visitor.locator('.candidate').count(), 1, 'only the candidate who passed');
    assert.match(await card.innerText(), /Chiến sĩ thi đua Bộ, ban, ngành, tỉnh/);
    await card.locator('input[name=name]').fill('Nguyễn Văn Bình');
    await card.locator('textarea[name=text]').fill('<b>Đề nghị</b> xác minh sáng kiến năm 2025');
    await card.locator('button[type=submit]').click();
    await card.locator('.message:has-text("Đã nhận ý kiến số")').waitFor();
  });

  await t.test('the decision waits for the answer, pays the base salary of its date, and takes the next number', async () => {
    await office.click('#nav-decisions');
    await office.waitForSelector('#decision-session option:has-text("Phiên ngày 10/12/2026")', { state: 'attached' });
    await office.selectOption('#decision-session', { label: 'Phiên ngày 10/12/2026 tại Phòng họp tầng 3, Sở Thông tin và Truyền thông' });
    await office.fill('#decision-signer', 'Nguyễn Văn Khước');
    await office.fill('#decision-date', '2026-12-15');
    await office.click('#draft-decision');
    await office.waitForSelector('#decision-heading:has-text("Dự thảo quyết định, ngày ký 15/12/2026")');
    const row = await office.locator('#decision-recipients .recipient').innerText();
    assert.match(row, /Đỗ Thị Hoa/);
    assert.match(row, /7\.590\.000 đ/);
    assert.match(row, /3 × 2\.530\.000 đ = 7\.590\.000 đ; Nghị định 152\/2025\/NĐ-CP, Điều 50; Nghị định 161\/2026\/NĐ-CP/);
    assert.match(await office.locator('#decision-not-awarded').innerText(), /Triệu Văn Long — .*16\/19 đồng ý \(84,2%\), cần 18: Không đạt/);
    await office.click('#issue-decision');
    await office.waitForSelector('#decision-message:has-text("Còn ý kiến nhân dân chưa được trả lời về: Đỗ Thị Hoa")');

    await office.click('#nav-publication');
    const comment = office.locator('.comment:has-text("Nguyễn Văn Bình")');
    await comment.waitFor();
    // The comment's markup is shown as the text it is.
    assert.equal(await comment.locator('.comment-text').innerText(), '<b>Đề nghị</b> xác minh sáng kiến năm 2025');
    assert.equal(await comment.locator('.comment-text b').count(), 0);
    await comment.locator('select.triage').selectOption('refuted');
    await comment.locator('textarea.answer').fill('Sáng kiến đã được Hội đồng sáng kiến huyện công nhận ngày 15/10/2025.');
    await comment.locator('button.answer-comment').click();
    await office.waitForSelector('.comment[data-answered="true"]');

    await office.click('#nav-decisions');
    await office.click('#decision-list .open-decision');
    await office.click('#issue-decision');
    await office.waitForSelector('#decision-heading:has-text("Quyết định số 1/QĐ-UBND ngày 15/12/2026")');
    const register = await (await fetch(`${world.server.base}/api/public/decisions`)).json();
    assert.equal(register[0].number, '1/QĐ-UBND', 'the public register, without sign-in');
    const [file] = await Promise.all([office.waitForEvent('download'), office.click('#decision-view button.download')]);
    assert.equal(file.suggestedFilename(), 'quyet-dinh-1-qd-ubnd.docx');
    assert.equal(readFileSync(await file.path()).subarray(0, 2).toString(), 'PK', 'a DOCX is a zip');
  });

  await t.test('the lists and the statistical returns come from what was decided', async () => {
    await office.click('#nav-reports');
    const total = office.locator('table.statistics[data-code="0603.N/BNV-TĐKT"] tbody tr').first();
    await total.waitFor();
    assert.match(await total.innerText(), /Tổng số\s+01\s+1\s+0\s+0\s+1\s+0\s+0/, 'one CSTĐ cấp tỉnh in 2026');
    const [list] = await Promise.all([
      office.waitForEvent('download'),
      office.click('#lists button:has-text("Quyết định và tiền thưởng")'),
    ]);
    assert.equal(list.suggestedFilename(), 'danh-sach-quyet-dinh.xlsx');
    // The office searches on the server, decisions included, without diacritics.
    await office.click('#nav-search');
    await office.fill('#search-box', 'do thi hoa');
    await office.waitForSelector('#search-results li[data-kind="decision"]:has-text("1/QĐ-UBND")');
  });

  await t.test("the unit's tablet shows the award, the notice for the other, and its panel counts the award", async () => {
    const tablet = await (await world.browser.newContext()).newPage();
    watchErrors(tablet, errors);
    await signIn(tablet, world.server.base, 'lapthach.giamdoc');
    await tablet.click('#nav-nominations');
    const notices = tablet.locator('#award-notices');
    await notices.waitFor({ timeout: 15_000 });
    assert.match(await notices.locator('li[data-state="awarded"]').innerText(),
      /Đỗ Thị Hoa — Được khen thưởng theo Quyết định số 1\/QĐ-UBND ngày 15\/12\/2026 của Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Phúc; tiền thưởng 7\.590\.000 đ/);
    assert.match(await notices.locator('li[data-state="not_awarded"]').innerText(), /Triệu Văn Long — Không được khen thưởng: .*Không đạt/);
    // The same achievement proposed again is refused by the panel, which names the new decision.
    await tablet.click('#new-nomination');
    await tablet.fill('#nomination-year', '2026');
    await tablet.selectOption('#nomination-nominee', { label: 'Đỗ Thị Hoa' });
    await tablet.selectOption('#nomination-title', { label: 'Chiến sĩ thi đua Bộ, ban, ngành, tỉnh' });
    await tablet.waitForSelector('#eligibility:has-text("1/QĐ-UBND")', { timeout: 10_000 });
    await tablet.click('#nav-people');
    await tablet.click('li.person button:has-text("Đỗ Thị Hoa")');
    await tablet.waitForSelector('.decided-award:has-text("Chiến sĩ thi đua Bộ, ban, ngành, tỉnh")');
    assert.match(await tablet.locator('.decided-award').innerText(), /Quyết định số 1\/QĐ-UBND ngày 15\/12\/2026/);
  });

  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
