// A council member votes on her own device while the meeting room has no network: the ballot waits in
// IndexedDB, goes when the network returns, and counts once even when the tablet sends it again. The server
// keeps who voted apart from what was chosen; the office closes the box and its totals become the tallies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, eventually, watchErrors } from './harness.mjs';

const world = useServerAndBrowser();
const PLACE = 'Phòng họp tầng 3, Sở Thông tin và Truyền thông';

/** The ballots a user's device still holds, read from its IndexedDB database. */
function pendingBallots(page, userId) {
  return page.evaluate((name) => new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('meta').objectStore('meta').get('pending_ballots');
      // A map may be stored as a Map or as a plain object: read both as an object.
      const plain = (choices) => (choices instanceof Map ? Object.fromEntries(choices) : choices);
      get.onsuccess = () => { db.close(); resolve((get.result?.value ?? []).map(([id, b]) => [id, { choices: plain(b.choices) }])); };
      get.onerror = () => reject(get.error);
    };
  }), `thidua-${userId}`);
}

test('a member votes offline on her device; the ballot counts once and stays secret', async (t) => {
  const errors = [];
  const office = await (await world.browser.newContext()).newPage();
  watchErrors(office, errors);
  const memberContext = await world.browser.newContext();
  const member = await memberContext.newPage();
  watchErrors(member, errors);

  await t.test('the office prepares a session of the demo round with everyone present', async () => {
    await signIn(office, world.server.base, 'vanphong');
    await office.click('#nav-council');
    await office.waitForSelector('#council-candidates tr:has-text("Đỗ Thị Hoa")', { timeout: 15_000 });
    for (const box of await office.locator('.candidate-pick').all()) await box.check();
    await office.fill('#session-date', '2026-12-10');
    await office.fill('#session-place', PLACE);
    await office.click('#prepare-session');
    await office.waitForSelector('#council-message:has-text("Đã lập phiên họp với 2 hồ sơ")');
    await office.click('#all-present');
    await office.click('#save-attendance');
    await office.waitForSelector('#session-summary:has-text("có mặt 19")');
  });

  await t.test('with no network, the member\'s ballot is kept on her device', async () => {
    await signIn(member, world.server.base, 'hoidong.thu');
    await member.click('#nav-council');
    await member.click('.open-session');
    await member.waitForSelector('#my-ballot tr:has-text("Đỗ Thị Hoa")');
    await memberContext.setOffline(true);
    await member.check('#my-ballot tr:has-text("Đỗ Thị Hoa") input[value="yes"]');
    await member.check('#my-ballot tr:has-text("Triệu Văn Long") input[value="no"]');
    await member.click('#cast-ballot');
    await member.waitForSelector('#council-message:has-text("Phiếu đã lưu trên thiết bị này và sẽ tự gửi khi có mạng")');
    const pending = await pendingBallots(member, 'hoidong.thu');
    assert.equal(pending.length, 1);
    assert.deepEqual(Object.values(pending[0][1].choices).sort(), ['no', 'yes']);
    assert.equal(world.server.query('select count(*) from ballot_voters')[0][0], 0);
  });

  await t.test('when the network returns it is counted, and forgotten by the device', async () => {
    await memberContext.setOffline(false);
    await member.waitForSelector('#council-message:has-text("Phiếu của bạn đã được tính.")', { timeout: 15_000 });
    assert.deepEqual(await pendingBallots(member, 'hoidong.thu'), []);
    assert.deepEqual(world.server.query('select member_id from ballot_voters'), [['hd-04']]);
    // The totals name nobody; the voters' table holds no choice.
    assert.deepEqual(world.server.query('select yes, no, blank from ballot_totals order by nomination_id'), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(world.server.columns('ballot_voters'), ['session_id', 'member_id']);
    await member.waitForSelector('#my-ballot-done:has-text("Bạn đã bỏ phiếu")');
  });

  await t.test('a tablet that replays the same ballot adds nothing', async () => {
    const [[sessionId]] = world.server.query('select id from council_sessions');
    const nominations = world.server.query('select nomination_id from session_candidates').map(([id]) => id);
    // The same member's ballot, with other choices, put back in the device's queue as a replay would.
    await member.evaluate(async ([id, nominationIds]) => {
      const open = indexedDB.open('thidua-hoidong.thu');
      await new Promise((resolve) => { open.onsuccess = resolve; });
      const db = open.result;
      const choices = Object.fromEntries(nominationIds.map((n) => [n, 'no']));
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').put({ key: 'pending_ballots', value: [[id, { choices }]] });
      await new Promise((resolve) => { tx.oncomplete = resolve; });
      db.close();
      window.dispatchEvent(new Event('online'));
    }, [sessionId, nominations]);
    await member.waitForSelector('#council-message:has-text("đã được tính từ lần gửi trước")', { timeout: 15_000 });
    assert.equal(world.server.query('select count(*) from ballot_voters')[0][0], 1);
    assert.deepEqual(world.server.query('select yes, no, blank from ballot_totals order by nomination_id'), [[1, 0, 0], [0, 1, 0]]);
  });

  await t.test('the office closes the box, and its totals become the tallies', async () => {
    await office.reload();
    await office.click('#nav-council');
    await office.click('.open-session');
    await office.waitForSelector('#ballot-summary:has-text("1 thành viên đã bỏ phiếu")');
    // Closing the box cannot be undone: it asks first.
    office.once('dialog', (dialog) => dialog.accept());
    await office.click('#close-ballots');
    await office.waitForSelector('#council-message:has-text("Đã kết thúc bỏ phiếu")');
    const hoa = office.locator('.candidate-row:has-text("Đỗ Thị Hoa")');
    await hoa.locator('.result:has-text("1/19 đồng ý (5,3%), cần 18: Không đạt")').waitFor();
    assert.equal(await hoa.locator('input.tally-issued').inputValue(), '19');
    assert.equal(await hoa.locator('input.tally-returned').inputValue(), '1');
    assert.equal(await hoa.locator('input.tally-yes').inputValue(), '1');
    await office.waitForSelector('#ballot-summary:has-text("đã kết thúc")');
  });

  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
