// Shared pieces of the end-to-end tests: a real server process on a fresh SQLite file, and headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const PASSWORD = 'thidua2026';

/** SQL after a record id: not one of the demo's records (those its seeding wrote, as a device with the nil id). */
export const NOT_DEMO =
  "not in (select record_id from mutations where device_id = '00000000-0000-0000-0000-000000000000')";

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the server binary with demo data on a new database; resolves once /api/health answers. */
export async function startServer() {
  const bin = process.env.THIDUA_SERVER_BIN;
  const dist = process.env.THIDUA_DIST;
  if (!bin || !dist) throw new Error('THIDUA_SERVER_BIN and THIDUA_DIST must be set (scripts/test.sh sets them)');
  const dir = mkdtempSync(path.join(tmpdir(), 'thidua-e2e-'));
  const port = await freePort();
  const dbPath = path.join(dir, 'thidua.sqlite');
  const child = spawn(bin, ['--demo'], {
    env: { ...process.env, THIDUA_ADDR: `127.0.0.1:${port}`, THIDUA_DB: dbPath, THIDUA_DIST: dist, RUST_LOG: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('server did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dbPath,
    pid: child.pid,
    /** Runs one SQL query on the server's database file and returns the rows. */
    query(sql, params = []) {
      const script = 'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); ' +
        'rows=c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall(); c.commit(); print(json.dumps(rows))';
      return JSON.parse(execFileSync('python3', ['-c', script, dbPath, sql, JSON.stringify(params)]).toString());
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A server and a browser for the tests of one file: started before them, stopped after. */
export function useServerAndBrowser() {
  const world = {};
  before(async () => {
    world.server = await startServer();
    world.browser = await launchBrowser();
  });
  after(async () => {
    await world.browser?.close();
    await world.server?.stop();
  });
  return world;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
      // Without these Chromium keeps calling out to hosts this machine cannot reach.
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function signIn(page, base, login) {
  await page.goto(base);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('#net-status');
}

/** Collects the page's uncaught errors and console errors (a failed request is expected offline). */
export function watchErrors(page, errors) {
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
}

/** Reads the local records of a user's IndexedDB database from inside the page. */
export function localRecords(page, userId) {
  return page.evaluate((name) => new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction('records').objectStore('records').getAll();
      all.onsuccess = () => { db.close(); resolve(all.result); };
      all.onerror = () => reject(all.error);
    };
  }), `thidua-${userId}`);
}

export async function pendingCount(page) {
  return Number(await page.getAttribute('#pending-count', 'data-pending'));
}

/** Polls `check` until it returns a truthy value, or fails after `timeout` ms. */
export async function eventually(check, timeout, what) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeout} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Takes a browser context off the network and waits until the page says so. Chromium fires `offline` a moment
 * before it blocks requests, so a sync that slips through in between finds the server and shows it reachable; a
 * press of "Đồng bộ ngay" then fails and settles it, as it would for a person.
 */
export async function goOffline(context, page, timeout = 10_000) {
  await context.setOffline(true);
  const deadline = Date.now() + timeout;
  for (;;) {
    if ((await page.getAttribute('#net-status', 'data-online')) === 'false') return;
    if (Date.now() > deadline) throw new Error(`the page did not show it was offline within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 1_000));
    if ((await page.getAttribute('#net-status', 'data-online')) !== 'false') await page.click('#sync-now');
  }
}
