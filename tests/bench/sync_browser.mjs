// Sync through the real app, in headless Chromium over IndexedDB and HTTP against the release server, with
// nomination-sized records: a plain client's push (the server's share), the app's initial pull, an
// incremental pull of 100 changed records, and a push of N pending edits from the app's outbox. Requests and
// bytes on the wire are counted both ways; CPU time is the server process's and the page's.
//   node tests/bench/sync_browser.mjs [--records FILE.ndjson] [--count N] [--runs R]
// Prints `key=value` lines for scripts/bench.sh. Not a test: it measures and never fails on a slow machine.
import { readFileSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startServer, launchBrowser, signIn, PASSWORD } from '../e2e/harness.mjs';
import { nominationRecords } from './records.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('runs', 3));
const file = arg('records', null);
let records = file && existsSync(file)
  ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
  : nominationRecords(10_000);
records = records.slice(0, Number(arg('count', records.length)));
const N = records.length;
const UNIT = 'ttvh-tam-duong';
const LOGIN = 'tamduong.giamdoc';
const BATCH = 200;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = (key, value) => console.log(`${key}=${value}`);
const seconds = (ms) => (ms / 1000).toFixed(2);

/** Prints the median run (by time) of `runs`, with the bytes of `direction` ('up' or 'down') per record. */
function report(name, runs, direction) {
  const run = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  out(`${name}_s`, seconds(run.ms));
  out(`${name}_requests`, run.requests);
  out(`${name}_bytes_per_record`, Math.round(run[direction] / N));
  out(`${name}_page_cpu_s`, run.page.toFixed(2));
  out(`${name}_server_cpu_s`, run.server.toFixed(2));
}

/** CPU seconds the server process has used so far (user + system), from /proc. */
function serverCpu(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function login(base) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: LOGIN, password: PASSWORD, device_id: randomUUID() }),
  });
  return (await res.json()).token;
}

/** Pushes one Set per record from a plain HTTP client; returns the record ids. */
async function plainPush(base, token, fieldsOf, ids) {
  const device = randomUUID();
  let bytes = 0;
  for (let start = 0; start < ids.length; start += BATCH) {
    const mutations = ids.slice(start, start + BATCH).map((id, i) => ({
      id: randomUUID(), record_id: id, kind: 'nomination', unit_id: UNIT, base_rev: 0,
      op: { type: 'set', fields: fieldsOf(start + i) }, made_at: new Date().toISOString(),
    }));
    const body = JSON.stringify({ protocol: PROTOCOL, device_id: device, mutations });
    bytes += Buffer.byteLength(body);
    const res = await fetch(`${base}/api/sync/push`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body,
    });
    if (!res.ok) throw new Error(`push refused: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  return bytes;
}

/** Counts requests and bytes on the wire of one page, both ways, and its CPU time. */
async function wire(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable');
  const totals = { requests: 0, up: 0, down: 0, firstPullAt: null };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!e.request.url.includes('/api/sync/')) return;
    if (e.request.url.includes('/api/sync/pull') && totals.firstPullAt === null) totals.firstPullAt = e.wallTime * 1000;
    totals.requests += 1;
    totals.up += e.request.postData ? Buffer.byteLength(e.request.postData) : 0;
  });
  const sync = new Set();
  cdp.on('Network.responseReceived', (e) => { if (e.response.url.includes('/api/sync/')) sync.add(e.requestId); });
  cdp.on('Network.loadingFinished', (e) => { if (sync.has(e.requestId)) totals.down += e.encodedDataLength; });
  const cpu = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration').value;
  };
  return { totals, cpu, reset() { Object.assign(totals, { requests: 0, up: 0, down: 0, firstPullAt: null }); } };
}

/** Waits until a sync that ended after `since` is shown, and nothing waits to be sent. */
async function syncedAfter(page, since) {
  await page.waitForFunction((t) => {
    const at = document.querySelector('#last-sync')?.dataset.at;
    return at && Date.parse(at) >= t && !document.querySelector('#sync-progress')
      && document.querySelector('#pending-count')?.dataset.pending === '0';
  }, since, { timeout: 600_000, polling: 50 });
}

const server = await startServer();
// The protocol the server speaks, so this client is never the outdated one.
const PROTOCOL = (await (await fetch(`${server.base}/api/health`)).json()).protocol;
const browser = await launchBrowser();
try {
  const token = await login(server.base);
  const ids = records.map(() => randomUUID());

  // 1. The server's share: N records pushed by a plain client.
  let cpu = serverCpu(server.pid);
  let started = Date.now();
  const plainBytes = await plainPush(server.base, token, (i) => records[i], ids);
  out('plain_push_records', N);
  out('plain_push_s', seconds(Date.now() - started));
  out('plain_push_server_cpu_s', (serverCpu(server.pid) - cpu).toFixed(2));
  out('plain_push_bytes_per_record', Math.round(plainBytes / N));

  // 2. The app's initial pull of them into IndexedDB, median of RUNS fresh tablets.
  const pulls = [];
  let last;
  for (let run = 0; run < RUNS; run++) {
    last?.context && await last.context.close();
    const context = await browser.newContext();
    const page = await context.newPage();
    const meter = await wire(context, page);
    cpu = serverCpu(server.pid);
    const cpuBefore = await meter.cpu();
    started = Date.now();
    await signIn(page, server.base, LOGIN);
    await syncedAfter(page, started);
    pulls.push({ ms: Date.now() - started, server: serverCpu(server.pid) - cpu, page: (await meter.cpu()) - cpuBefore,
      ...meter.totals });
    last = { context, page, meter };
  }
  report('initial_pull', pulls, 'down');

  // 3. Incremental pull: 100 records changed by another device, then the network comes back (the browser's
  // `online` event, which syncs without refreshing the reference data as "Đồng bộ ngay" does). Timed from the
  // first pull request, and from the event, to the end of the sync the app records.
  const { page, meter } = last;
  const incremental = [];
  const incrementalFromEvent = [];
  for (let run = 0; run < RUNS; run++) {
    await plainPush(server.base, token, (i) => ({ summary: `${records[i].summary} (bổ sung lần ${run + 1})` }), ids.slice(0, 100));
    meter.reset();
    started = Date.now();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await syncedAfter(page, started);
    const ended = await page.$eval('#last-sync', (e) => Date.parse(e.dataset.at));
    incremental.push(ended - meter.totals.firstPullAt);
    incrementalFromEvent.push(ended - started);
  }
  out('incremental_pull_100_s', seconds(median(incremental)));
  out('incremental_pull_100_from_event_s', seconds(median(incrementalFromEvent)));

  // 4. Push of N edits from the app's outbox: one pending edit of each pulled record, then "Đồng bộ ngay".
  const pushes = [];
  for (let run = 0; run < RUNS; run++) {
    await page.evaluate(async ({ unit, run }) => {
      const db = await new Promise((resolve) => {
        const open = indexedDB.open(`thidua-${window.localStorage.getItem('thidua.current')}`);
        open.onsuccess = () => resolve(open.result);
      });
      const all = await new Promise((resolve) => {
        const r = db.transaction('records').objectStore('records').getAll();
        r.onsuccess = () => resolve(r.result);
      });
      await new Promise((resolve) => {
        const tx = db.transaction('queue', 'readwrite');
        for (const record of all.filter((r) => r.kind === 'nomination')) {
          tx.objectStore('queue').add({
            mutation: { id: crypto.randomUUID(), record_id: record.id, kind: 'nomination', unit_id: unit,
              base_rev: record.rev, op: { type: 'set', fields: { justification: `Bổ sung lần ${run + 1}: ${record.fields.summary ?? ''}` } },
              made_at: new Date().toISOString() },
            sent: false, rejected: null,
          });
        }
        tx.oncomplete = resolve;
      });
      db.close();
    }, { unit: UNIT, run });
    // The app syncs as it starts: the time runs from the reload that shows it the queued edits.
    // The page's CPU counter starts again with the reloaded document: it counts the app's start and the push.
    meter.reset();
    cpu = serverCpu(server.pid);
    started = Date.now();
    await page.reload();
    await syncedAfter(page, started);
    pushes.push({ ms: Date.now() - started, server: serverCpu(server.pid) - cpu, page: await meter.cpu(), ...meter.totals });
  }
  report('outbox_push', pushes, 'up');
} finally {
  await browser.close();
  await server.stop();
}
