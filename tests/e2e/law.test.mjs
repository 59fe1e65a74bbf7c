// The eligibility panel reads the law as a lawyer would, offline: "02 lần liên tục" counts times, not years; one
// achievement gets one reward (the earlier decision named); an ad-hoc achievement is judged under the law of its
// date; the five years after a Bằng khen; the same grassroots years do not back two provincial titles; old
// statutory names and abbreviations are read, and the panel says how. Vũ Văn Tuấn's demo record has all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors, NOT_DEMO, goOffline, confirmStep, synced } from './harness.mjs';

const world = useServerAndBrowser();

const panelText = (page) => page.textContent('#eligibility');

async function waitForPanel(page, eligible, ...patterns) {
  await page.waitForSelector(`#eligibility[data-eligible="${eligible}"]`, { timeout: 5_000 });
  const text = await panelText(page);
  for (const pattern of patterns) assert.match(text, pattern);
  return text;
}

async function nominateTuan(page, year, title) {
  await page.click('#new-nomination');
  await page.fill('#nomination-year', String(year));
  await page.selectOption('#nomination-nominee', { label: 'Vũ Văn Tuấn' });
  await page.selectOption('#nomination-title', { label: title });
}

test('the panel reads the law as it is written', async (t) => {
  const tablet = await world.browser.newContext();
  const page = await tablet.newPage();
  const errors = [];
  watchErrors(page, errors);

  await t.test('the unit head gets the records, then works offline', async () => {
    await signIn(page, world.server.base, 'tamduong.giamdoc');
    await page.click('#nav-people');
    await page.waitForSelector('li.person >> text=Vũ Văn Tuấn', { timeout: 15_000 });
    await page.waitForSelector('#pending-count[data-pending="0"]');
    await synced(page);
    await goOffline(tablet, page);
  });

  await t.test('the person form shows how each recorded name is read, and the new kinds of facts', async () => {
    await page.click('li.person button:has-text("Vũ Văn Tuấn")');
    const title = page.locator('.person-form .award-row input.title');
    await eventually(async () => (await title.count()) === 10, 5_000, 'his ten awards');
    assert.equal(await title.nth(0).getAttribute('title'), 'Đọc là "Chiến sĩ thi đua cơ sở"', 'CSTĐCS');
    assert.equal(await title.nth(4).getAttribute('title'), 'Đọc là "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"');
    assert.equal(await title.nth(3).getAttribute('title'), '', 'the catalog\'s own name needs no reading');
    const discipline = await page.locator('.person-form select.discipline').first().textContent();
    for (const level of ['Khiển trách', 'Cảnh cáo', 'Hạ bậc lương', 'Giáng chức', 'Cách chức', 'Bãi nhiệm', 'Buộc thôi việc']) {
      assert.ok(discipline.includes(level), `discipline level ${level}`);
    }
    assert.match(await page.locator('.person-form .initiative-row select.kind').first().textContent(), /Đề tài khoa học/);
  });

  await t.test('CSTĐ toàn quốc: two consecutive times, three years apart, under old and new names', async () => {
    await page.click('#nav-nominations');
    await nominateTuan(page, 2025, 'Chiến sĩ thi đua toàn quốc');
    const text = await waitForPanel(page, 'true',
      /2 lần liên tục đạt "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh" \(2022, 2025\) — Luật TĐKT 06\/2022\/QH15, Điều 21/);
    assert.match(text, /"Chiến sĩ thi đua cấp bộ, ngành, tỉnh, đoàn thể trung ương" \(2022\): đọc là "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"/);
    assert.match(text, /"CSTĐ cấp tỉnh" \(2025\): đọc là "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"/);
    assert.match(text, /"BK của Chủ tịch UBND tỉnh Vĩnh Phúc" \(2020\): đọc là "Bằng khen của Bộ, ban, ngành, tỉnh"/);
    assert.match(text, /Có 1 sáng kiến, đề tài, đề án, công trình khoa học phạm vi toàn quốc từ 2020 đến 2025 \(02\/QĐ-BVHTTDL\)/);
  });

  await t.test('a Bằng khen for the year a Giấy khen already rewarded is refused, naming the decision', async () => {
    await page.selectOption('#nomination-title', { label: 'Bằng khen của Bộ, ban, ngành, tỉnh' });
    await waitForPanel(page, 'false',
      /✗ Thành tích năm 2025 đã được khen "Giấy khen của Giám đốc Sở Văn hóa, Thể thao và Du lịch" \(Quyết định số 125\/QĐ-SVHTTDL ngày 20\/12\/2025 của Giám đốc Sở Văn hóa, Thể thao và Du lịch\): không khen thưởng nhiều lần, nhiều hình thức cho một thành tích — Luật TĐKT 06\/2022\/QH15, Điều 5/);
  });

  await t.test('an ad-hoc achievement is another achievement, judged under the law of its date', async () => {
    await page.selectOption('#nomination-track', 'dot_xuat');
    await page.fill('#nomination-achievement_from', '2025-06-20');
    await waitForPanel(page, 'true',
      /Thành tích đột xuất ngày 20\/06\/2025 chưa được khen bằng hình thức nào/,
      /Luật TĐKT 06\/2022\/QH15 và Nghị định 98\/2023\/NĐ-CP/,
      /\? Cần xác nhận: Lập được thành tích xuất sắc đột xuất/);
    const conditions = (await page.locator('#eligibility li.item').allTextContents()).join('\n');
    assert.doesNotMatch(conditions, /Chiến sĩ thi đua cơ sở|sáng kiến/, 'the yearly routes do not apply to an ad-hoc act');
    await page.fill('#nomination-achievement_from', '2024-12-30');
    await waitForPanel(page, 'false', /✗ Thành tích đột xuất ngày 30\/12\/2024 không kết thúc trong năm 2025/);
    await page.fill('#nomination-achievement_from', '2025-07-05');
    await waitForPanel(page, 'true', /Nghị định 152\/2025\/NĐ-CP/, /đột xuất ngày 05\/07\/2025/);
    await page.fill('#nomination-summary', 'Cứu hộ hệ thống truyền thanh trong đợt lũ đầu tháng 7.');
  });

  await t.test('Bằng khen Thủ tướng: the five years follow the Bằng khen; the initiative count is the office\'s to confirm', async () => {
    await nominateTuan(page, 2025, 'Bằng khen của Thủ tướng Chính phủ');
    const text = await waitForPanel(page, 'false',
      /Đã được tặng "Bằng khen của Bộ, ban, ngành, tỉnh" năm 2020; 5 năm xét \(2021–2025\) là 5 năm tiếp theo — Luật TĐKT 06\/2022\/QH15, Điều 71/,
      /Có 3 sáng kiến phạm vi cấp cơ sở từ 2021 đến 2025 \(08\/QĐ-SKCS, 11\/QĐ-SKCS, 02\/QĐ-BVHTTDL\) — Luật TĐKT 06\/2022\/QH15, Điều 71 \(số sáng kiến chưa xác nhận\) · ngưỡng chưa chắc chắn, Văn phòng xác nhận/);
    assert.match(text, /✗ Thành tích năm 2025 đã được khen "Giấy khen/, 'the year\'s results already have their form');
    // Under NĐ 91/2017 the Bằng khen of 2020 falls inside 2019–2023, and five initiatives are needed.
    await page.fill('#nomination-year', '2023');
    await waitForPanel(page, 'false',
      /✗ "Bằng khen của Bộ, ban, ngành, tỉnh" năm 2020 nằm trong 5 năm xét \(2019–2023\); 5 năm phải tính tiếp theo sau khi được tặng/,
      /✗ Cần 5 sáng kiến phạm vi cấp cơ sở trở lên từ 2019 đến 2023, mới có 2 — Nghị định 91\/2017\/NĐ-CP, Điều 38, khoản 1, điểm c/);
  });

  await t.test('the same grassroots years may not back two provincial titles', async () => {
    await nominateTuan(page, 2024, 'Chiến sĩ thi đua Bộ, ban, ngành, tỉnh');
    await waitForPanel(page, 'false',
      /\? Năm 2022 đã dùng để xét "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh" năm 2022, Quyết định số 3310\/QĐ-UBND của Chủ tịch UBND tỉnh Vĩnh Phúc: cần xác nhận không dùng lại/);
  });

  await t.test('back online, the server judges the ad-hoc nomination under the same law', async () => {
    await tablet.setOffline(false);
    await page.click('#sync-now');
    await eventually(() => world.server.query(`select count(*) from records where kind = 'nomination' and id ${NOT_DEMO}`)[0][0] === 3, 15_000,
      'the three nominations reach the server');
    await page.click('tr.nomination-row:has-text("Bằng khen của Bộ, ban, ngành, tỉnh") button');
    const shown = await waitForPanel(page, 'true');
    await confirmStep(page, 'submit-nomination');
    await page.waitForSelector('#stored-verdict[data-eligible="true"]', { timeout: 15_000 });
    const stored = JSON.parse(world.server.query(`select value from record_fields where name = 'verdict' and record_id ${NOT_DEMO}`)[0][0]);
    assert.equal(stored.regime, 'luat-2022-nd152');
    for (const item of stored.items) assert.ok(shown.includes(item.text), `the panel showed "${item.text}"`);
    assert.ok(stored.readings.some((r) => r.recorded === 'CSTĐ cấp tỉnh' && r.title === 'cstd-bo-tinh'));
  });

  assert.deepEqual(errors, []);
});
