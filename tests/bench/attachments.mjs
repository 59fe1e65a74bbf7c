// Attached files, measured on the path a user takes, against the release server: from "photo taken" (a 12-megapixel
// camera JPEG handed to the photo input) to stored on the tablet (made smaller, thumbnail, hashed, in IndexedDB);
// the upload of a 5 MB file through the app on the weak-3G profile (time, bytes on the wire, requests); and the
// server's memory while 20 tablets upload 5 MB each at once over tus.
// Prints `key=value` lines for scripts/bench.sh. Not a test: it measures and never fails on a slow machine.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, signIn, cameraPhoto, PASSWORD } from '../e2e/harness.mjs';

const RUNS = 3;
const CHUNK = 256 * 1024;
const WEAK_3G = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = (key, value) => console.log(`${key}=${value}`);

/** A PDF-looking file of `size` bytes that does not compress: every tablet's file is its own. */
function pdf(size, salt) {
  const bytes = Buffer.alloc(size);
  Buffer.from('%PDF-1.7\n').copy(bytes);
  for (let i = 9; i < size; i += 1) bytes[i] = ((i + salt) * 2654435761) >>> 24;
  return bytes;
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.base, 'tamduong.lan');
  await page.waitForSelector('#field-summary');

  // 1. Photo taken → stored on the tablet, a 12 MP camera JPEG, at full speed and with the CPU 4× slower.
  const photo = await cameraPhoto(page, 4000, 3000);
  out('photo_12mp_bytes', photo.length);
  const cdp = await context.newCDPSession(page);
  for (const rate of [1, 4]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const times = [];
    for (let i = 0; i < RUNS; i += 1) {
      // Another picture each time, as a camera takes them (the same pixels would be the same file).
      const shot = await cameraPhoto(page, 4000, 3000, rate * 10 + i + 1);
      const before = await page.locator('.attachment').count();
      const started = Date.now();
      await page.setInputFiles('#attach-photo', { name: `IMG_${rate}${i}.jpg`, mimeType: 'image/jpeg', buffer: shot });
      await page.waitForFunction((n) => document.querySelectorAll('.attachment img[src^="blob:"]').length > n, before,
        { timeout: 120_000 });
      times.push(Date.now() - started);
    }
    out(rate === 1 ? 'photo_to_stored_ms' : 'photo_to_stored_cpu4_ms', median(times));
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const stored = await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('thidua-tamduong.lan');
    open.onsuccess = () => {
      const all = open.result.transaction('files').objectStore('files').getAll();
      all.onsuccess = () => resolve(all.result.filter((f) => f.name.startsWith('IMG_')).map((f) => f.size));
    };
  }));
  out('photo_stored_bytes', median(stored));
  // Let the photos (and their thumbnails) go up before the weak-3G measure, so it measures one file.
  for (;;) {
    const [[whole]] = server.query("select count(*) from attachments where completed_at is not null and media_type = 'image/jpeg'");
    if (whole >= 2 * stored.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }

  // 2. A 5 MB file through the app on weak 3G: from the attach to the server holding it whole.
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', WEAK_3G);
  const file = pdf(5 * 1024 * 1024, 1);
  const sha = createHash('sha256').update(file).digest('hex');
  let requests = 0;
  let upBytes = 0;
  const methods = {};
  const failures = [];
  const ours = (request) => request.url().includes(sha)
    || (request.headers()['upload-metadata'] ?? '').includes(Buffer.from(sha).toString('base64'));
  const failed = (request) => {
    if (ours(request)) failures.push(`${request.method()} ${request.failure()?.errorText}`);
  };
  const answered = (response) => {
    if (ours(response.request()) && response.status() >= 400) failures.push(`${response.status()}`);
  };
  const counting = (request) => {
    if (!ours(request)) return;
    requests += 1;
    methods[request.method()] = (methods[request.method()] ?? 0) + 1;
    const headers = Object.entries(request.headers()).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    upBytes += headers + (request.postDataBuffer()?.length ?? 0) + request.method().length + request.url().length + 12;
  };
  page.on('request', counting);
  page.on('requestfailed', failed);
  page.on('response', answered);
  const started = Date.now();
  await page.setInputFiles('#attach-file', { name: 'ho-so-5mb.pdf', mimeType: 'application/pdf', buffer: file });
  for (;;) {
    const [[done]] = server.query('select count(*) from attachments where sha256 = ? and completed_at is not null', [sha]);
    if (done) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  out('upload_5mb_weak3g_s', ((Date.now() - started) / 1000).toFixed(1));
  out('upload_5mb_weak3g_requests', `${requests} (${Object.entries(methods).map(([m, n]) => `${n} ${m}`).join(', ')})`);
  out('upload_5mb_weak3g_failures', failures.length ? failures.join('; ') : 'none');
  out('upload_5mb_weak3g_bytes_up', upBytes);
  page.off('request', counting);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await context.close();

  // 3. 20 tablets upload 5 MB each at once, over tus as the app speaks it: the server's memory.
  const tokens = [];
  for (let i = 0; i < 20; i += 1) {
    const res = await fetch(`${server.base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'tamduong.lan', password: PASSWORD, device_id: crypto.randomUUID() }),
    });
    tokens.push((await res.json()).token);
  }
  const idle = rssMiB(server.pid);
  let peak = idle;
  const sampler = setInterval(() => { peak = Math.max(peak, rssMiB(server.pid)); }, 50);
  const upload = async (token, salt) => {
    const bytes = pdf(5 * 1024 * 1024, salt * 7919);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const meta = `sha256 ${Buffer.from(hash).toString('base64')},filetype ${Buffer.from('application/pdf').toString('base64')}`;
    const auth = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
    const created = await fetch(`${server.base}/api/uploads`, {
      method: 'POST', headers: { ...auth, 'upload-length': String(bytes.length), 'upload-metadata': meta },
    });
    let offset = Number(created.headers.get('upload-offset'));
    while (offset < bytes.length) {
      const chunk = bytes.subarray(offset, Math.min(offset + CHUNK, bytes.length));
      const res = await fetch(`${server.base}/api/uploads/${hash}`, {
        method: 'PATCH', body: chunk,
        headers: { ...auth, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset),
          'upload-checksum': `sha256 ${createHash('sha256').update(chunk).digest('base64')}` },
      });
      offset = Number(res.headers.get('upload-offset'));
    }
  };
  const began = Date.now();
  await Promise.all(tokens.map((token, i) => upload(token, i + 2)));
  clearInterval(sampler);
  out('upload_20x5mb_s', ((Date.now() - began) / 1000).toFixed(1));
  out('upload_20x5mb_server_rss_idle_mib', idle);
  out('upload_20x5mb_server_rss_peak_mib', peak);
  const [[whole]] = server.query("select count(*) from attachments where completed_at is not null and media_type = 'application/pdf'");
  out('upload_20x5mb_files_whole', whole - 1);
} finally {
  await browser.close();
  await server.stop();
}
