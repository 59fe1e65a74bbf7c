// Every screen of every role, and the states a person meets on them (a dossier open, a step asking first), at a
// phone's, a tablet's and a desktop's width: the page never scrolls sideways, no control is cut off, and axe-core
// finds no violation of WCAG 2.1 A or AA. With THIDUA_SCREENSHOTS=docs/screens it also takes the README's pictures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, checkScreen, watchErrors, confirmStep, openDossier } from './harness.mjs';

const world = useServerAndBrowser();

/** Opens each tab the role sees and checks it; `states[id]` then checks what that tab opens. */
async function everyTab(page, who, problems, states = {}, pictures = {}) {
  const tabs = await page.$$eval('nav.tabs button', (buttons) => buttons.map((b) => b.id));
  assert.ok(tabs.length > 0, `${who} sees tabs`);
  for (const id of tabs) {
    await page.click(`#${id}`);
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(300);
    problems.push(...await checkScreen(page, `${who}-${id.replace('nav-', '')}`, pictures[id]));
    if (states[id]) await states[id](page);
  }
}

async function session(login) {
  // bypassCSP: axe-core is injected as a script, which the app's Content-Security-Policy rightly refuses.
  const context = await world.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors);
  await signIn(page, world.server.base, login);
  await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
  return { page, errors };
}

test('every screen fits every width and passes axe-core', async (t) => {
  const problems = [];

  await t.test('the sign-in page', async () => {
    const page = await (await world.browser.newContext({ bypassCSP: true })).newPage();
    await page.goto(world.server.base);
    await page.waitForSelector('#login');
    problems.push(...await checkScreen(page, 'login'));
    await page.goto(`${world.server.base}/cong-khai/`);
    await page.waitForLoadState('networkidle');
    problems.push(...await checkScreen(page, 'public'));
  });

  await t.test('a unit head: every tab, the report asking before it is sent, a nomination form', async () => {
    const { page, errors } = await session('tamduong.giamdoc');
    await everyTab(page, 'head', problems, {
      'nav-quarterly': async () => {
        await page.fill('#field-summary', 'Tổ chức 12 buổi tuyên truyền lưu động về chuyển đổi số.');
        await page.waitForSelector('#submit-report', { timeout: 10_000 });
        await page.click('#submit-report');
        problems.push(...await checkScreen(page, 'head-quarterly-confirm', 'section.card'));
        await page.click('#submit-report ~ .confirm .confirm-no');
        problems.push(...await checkScreen(page, 'head-quarterly-state', '.record-state'));
      },
      'nav-nominations': async () => {
        await page.click('#new-nomination');
        await page.selectOption('#nomination-nominee', { label: 'Trần Thị Lan' });
        await page.selectOption('#nomination-title', { label: 'Lao động tiên tiến' });
        await page.waitForSelector('#eligibility[data-eligible="true"]', { timeout: 10_000 });
        problems.push(...await checkScreen(page, 'head-nomination-form', '.nomination-form'));
        // Sent, so the office has a dossier to approve.
        await confirmStep(page, 'submit-nomination');
        await page.waitForSelector('#nomination-state[data-state="submitted"]', { timeout: 10_000 });
        await page.waitForSelector('#pending-count[data-pending="0"]', { timeout: 20_000 });
      },
    });
    assert.deepEqual(errors, []);
  });

  await t.test('the office: every tab, a dossier, and "Duyệt" asking first', async () => {
    const { page, errors } = await session('vanphong');
    await everyTab(page, 'office', problems, {
      'nav-nominations': async () => {
        const row = page.locator('table.review tr:has-text("Trần Thị Lan"):has-text("Lao động tiên tiến")');
        await row.waitFor({ timeout: 10_000 });
        await openDossier(page, row);
        problems.push(...await checkScreen(page, 'office-dossier', '#dossier'));
        await page.click('#dossier button.approve');
        problems.push(...await checkScreen(page, 'office-approve-confirm', '#dossier .dossier-actions'));
        await page.click('#dossier .confirm-no');
        await page.click('#dossier .close-dossier');
      },
    });
    assert.deepEqual(errors, []);
  });

  await t.test('a council member: every tab', async () => {
    const { page, errors } = await session('hoidong.thu');
    await everyTab(page, 'council', problems);
    assert.deepEqual(errors, []);
  });

  await t.test("the admin: every tab, an account's and a unit's form, a rule opened, the JSON view", async () => {
    const { page, errors } = await session('quantri');
    await everyTab(page, 'admin', problems, {
      'nav-rules': async () => {
        await page.click('details.rule summary');
        await page.click('#rules-expert summary');
        problems.push(...await checkScreen(page, 'admin-rules-open', 'details.rule[open]'));
      },
      'nav-accounts': async () => {
        await page.click('#account-list tr[data-login="tamduong.lan"] .edit-account');
        problems.push(...await checkScreen(page, 'admin-account-form', '#edit-account'));
      },
      'nav-units': async () => {
        await page.click('#unit-list tr[data-unit="ttvh-lap-thach"] .edit-unit');
        problems.push(...await checkScreen(page, 'admin-unit-form', '#edit-unit'));
      },
    }, { 'nav-accounts': '#account-list', 'nav-units': '#unit-list' });
    assert.deepEqual(errors, []);
  });

  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
});
