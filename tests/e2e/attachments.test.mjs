// Evidence as a field worker attaches it: a photo taken offline is stored on the tablet at once (made smaller, with a
// thumbnail) and shows offline; it uploads by itself when the network returns; an upload cut halfway resumes from the
// server's offset after a reload; a colleague's tablet shows the thumbnail; a file whose content is not its name
// is refused with its reason, and nothing stored before is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { useServerAndBrowser, signIn, eventually, goOffline, watchErrors, cameraPhoto, synced } from './harness.mjs';

const world = useServerAndBrowser();

/** A PDF-looking file of `size` bytes whose content does not repeat. */
function pdf(size) {
  const bytes = Buffer.alloc(size);
  Buffer.from('%PDF-1.7\n').copy(bytes);
  for (let i = 9; i < size; i += 1) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function stored(filesDir, sha) {
  return join(filesDir, 'files', sha.slice(0, 2), sha);
}

function partial(filesDir, sha) {
  const file = join(filesDir, 'parts', sha);
  return existsSync(file) ? statSync(file).size : 0;
}

test('evidence attached offline is kept, uploads resumably and reaches a colleague', async (t) => {
  const tablet = await world.browser.newContext();
  const page = await tablet.newPage();
  const errors = [];
  watchErrors(page, errors);
  await signIn(page, world.server.base, 'tamduong.lan');
  await page.waitForSelector('#field-summary');
  await synced(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  const photo = await cameraPhoto(page, 3000, 2000);

  await t.test('a photo taken offline is stored at once, smaller, with its thumbnail, and shows offline', async () => {
    await goOffline(tablet, page);
    await page.setInputFiles('#attach-photo', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('.attachment img[src^="blob:"]', { timeout: 15_000 });
    assert.match(await page.textContent('.attachment-state'), /Trên máy này, chờ tải lên/);
    assert.match(await page.textContent('.attachment-meta'), /IMG_2041\.jpg/);
    await page.fill('.attachment-caption input', 'Liên hoan văn nghệ quần chúng xã Hợp Hòa');
    await page.fill('#field-summary', 'Tổ chức liên hoan văn nghệ tại 5 xã; ảnh đính kèm.');
    const held = await page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('thidua-tamduong.lan');
      open.onsuccess = () => {
        const tx = open.result.transaction(['files', 'blobs']);
        const files = tx.objectStore('files').getAll();
        const blobs = tx.objectStore('blobs').getAll();
        tx.oncomplete = () => resolve({ files: files.result, sizes: blobs.result.map((b) => b.size) });
      };
    }));
    assert.equal(held.files.length, 2, 'the photo and its thumbnail');
    assert.ok(held.files.every((f) => f.pending === 1));
    const main = held.files.find((f) => !f.name.startsWith('thu-nho'));
    assert.ok(main.size < photo.length / 2, `made smaller: ${photo.length} → ${main.size} bytes`);
    t.diagnostic(`camera photo ${photo.length} B → stored ${main.size} B, thumbnail ${Math.min(...held.sizes)} B`);
    assert.equal(world.server.query('select count(*) from attachments')[0][0], 0);
  });

  await t.test('when the network returns, the text goes and the photo uploads by itself', async () => {
    await tablet.setOffline(false);
    await page.click('#sync-now');
    await eventually(() => world.server.query(
      "select count(*) from attachments where completed_at is not null")[0][0] === 2, 30_000, 'both files on the server');
    await eventually(() => world.server.query(
      "select count(*) from record_fields where name like 'att:%'")[0][0] === 1, 20_000, 'the reference on the server');
    await page.waitForFunction(() => /Đã tải lên/.test(document.querySelector('.attachment-state')?.textContent), null,
      { timeout: 10_000 });
    const [[reference]] = world.server.query("select value from record_fields where name like 'att:%'");
    assert.equal(JSON.parse(reference).caption, 'Liên hoan văn nghệ quần chúng xã Hợp Hòa');
  });

  await t.test('an upload cut halfway resumes from the server\'s offset after a reload', async () => {
    const big = pdf(3 * 1024 * 1024);
    const sha = sha256(big);
    const offsets = [];
    let cut = false;
    await page.route('**/api/uploads/*', async (route) => {
      const request = route.request();
      if (request.method() === 'PATCH') {
        if (cut) return route.abort('connectionreset');
        offsets.push(Number(request.headers()['upload-offset']));
      }
      return route.continue();
    });
    await page.setInputFiles('#attach-file', { name: 'quyet-dinh-cong-nhan.pdf', mimeType: 'application/pdf', buffer: big });
    await page.waitForSelector('#upload-progress progress', { timeout: 15_000 });
    await eventually(() => partial(world.server.filesDir, sha) >= big.length / 2, 30_000, 'half the file on the server');
    cut = true;
    await goOffline(tablet, page);
    const before = partial(world.server.filesDir, sha);
    assert.ok(before > 0 && before < big.length, `cut at ${before} of ${big.length}`);
    t.diagnostic(`cut at ${before} of ${big.length} bytes`);

    await page.reload();
    await page.waitForSelector('#field-summary');
    await page.unroute('**/api/uploads/*');
    const resumed = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && request.url().includes('/api/uploads/')) {
        resumed.push(Number(request.headers()['upload-offset']));
      }
    });
    await tablet.setOffline(false);
    await page.click('#sync-now');
    await eventually(() => existsSync(stored(world.server.filesDir, sha)), 60_000, 'the PDF finished on the server');
    assert.ok(resumed.length > 0 && resumed[0] >= before, `resumed at ${resumed[0]}, not from 0 (cut at ${before})`);
    assert.ok(resumed.every((offset) => offset >= before), 'no chunk before the cut went again');
    const sent = offsets.length + resumed.length;
    assert.ok(sent <= Math.ceil(big.length / (256 * 1024)) + 2, `${sent} chunks for ${big.length} bytes`);
    assert.ok(statSync(stored(world.server.filesDir, sha)).size === big.length);
    await page.waitForFunction(() => document.querySelectorAll('.attachment').length === 2, null, { timeout: 10_000 });
  });

  await t.test("a colleague's tablet shows the thumbnail first, and the file opens", async () => {
    const second = await world.browser.newContext();
    const other = await second.newPage();
    await signIn(other, world.server.base, 'tamduong.minh');
    await other.waitForSelector('#field-summary');
    await other.waitForSelector('.attachment img[src^="blob:"]', { timeout: 20_000 });
    const captions = await other.locator('.attachment-caption input').evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.ok(captions.includes('Liên hoan văn nghệ quần chúng xã Hợp Hòa'), `captions: ${captions}`);
    await other.click('.attachment-open:has-text("Xem ảnh lớn")');
    await other.waitForSelector('.attachment-large img[src^="blob:"]', { timeout: 15_000 });
    await second.close();
  });

  await t.test('a file whose content is not its name is refused before it is stored, and nothing is lost', async () => {
    const program = Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(2000, 7)]);
    await page.setInputFiles('#attach-file', { name: 'bien-ban.pdf', mimeType: 'application/pdf', buffer: program });
    await page.waitForFunction(() => /không phải tài liệu PDF/.test(document.querySelector('.attachments .error')?.textContent),
      null, { timeout: 10_000 });
    assert.equal(await page.locator('.attachment').count(), 2, 'what was attached before is all there');
    await page.fill('#field-summary', 'Vẫn gõ tiếp được sau khi một tệp bị từ chối.');
    await eventually(() => world.server.query(
      "select count(*) from record_fields where name = 'summary' and value like '%một tệp bị từ chối%'")[0][0] === 1,
    20_000, 'the text still saves and syncs');
    const held = await page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('thidua-tamduong.lan');
      open.onsuccess = () => {
        const count = open.result.transaction('blobs').objectStore('blobs').count();
        count.onsuccess = () => resolve(count.result);
      };
    }));
    assert.equal(held, 3, 'the photo, its thumbnail and the PDF: the refused file left nothing');
  });

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await tablet.close();
});
