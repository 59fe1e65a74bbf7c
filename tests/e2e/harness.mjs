// Shared pieces of the end-to-end tests: a real server process on a fresh database (SQLite, or PostgreSQL, with one
// instance or two behind nginx), and headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Starts the server binary on `storage` (its environment) at `port` and waits until it answers. */
async function startInstance(bin, port, storage, dist) {
  const child = spawn(bin, ['--demo'], {
    env: { ...process.env, ...storage, THIDUA_ADDR: `127.0.0.1:${port}`, THIDUA_DIST: dist, RUST_LOG: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHealth(`http://127.0.0.1:${port}`, () => child.exitCode, 'server');
  return child;
}

async function waitForHealth(base, exitCode, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitCode() !== null) throw new Error(`${what} exited with ${exitCode()}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${what} did not start within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * nginx from Debian's packages in front of `ports`, round-robin, as a load balancer would stand in front of
 * several instances: a request an instance does not answer goes to the next.
 */
async function startBalancer(dir, ports) {
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/nginx.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  upstream thidua { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 30m;
    location / {
      proxy_pass http://thidua;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_request_buffering off;
      proxy_next_upstream error timeout;
    }
  }
}
`);
  const child = spawn('nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, () => child.exitCode, 'nginx');
  return { base, child };
}

/** A SQLite file in `dir`: its environment for the server, and how to query it. */
function sqliteStorage(dir) {
  const dbPath = path.join(dir, 'thidua.sqlite');
  return {
    env: { THIDUA_DB: dbPath },
    query(sql, params) {
      const script = 'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); ' +
        'rows=c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall(); c.commit(); print(json.dumps(rows))';
      return JSON.parse(execFileSync('python3', ['-c', script, dbPath, sql, JSON.stringify(params)]).toString());
    },
    columns(table) {
      return this.query(`select name from pragma_table_info('${table}')`, []).map(([name]) => name);
    },
    drop() {},
  };
}

/**
 * A new database on the PostgreSQL server at `serverUrl` (its files in `dir`), queried through psql: each `?`
 * becomes its parameter as a literal, and a query's rows come back as arrays of their values in column order.
 */
function postgresStorage(dir, serverUrl) {
  const name = `e2e_${Date.now()}_${process.pid}`;
  const psql = (url, sql) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', sql]).toString();
  psql(serverUrl, `create database ${name}`);
  const url = `${serverUrl.slice(0, serverUrl.lastIndexOf('/'))}/${name}`;
  const literal = (v) => (typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  return {
    env: { THIDUA_DATABASE_URL: url, THIDUA_FILES: path.join(dir, 'thidua.files') },
    query(sql, params) {
      let i = 0;
      const bound = sql.replace(/\?/g, () => literal(params[i++]));
      if (!/^\s*(select|with)\b/i.test(bound)) {
        psql(url, bound);
        return [];
      }
      const rows = JSON.parse(psql(url, `select coalesce(json_agg(row_to_json(q)), '[]') from (${bound}) q`));
      return rows.map((row) => Object.values(row));
    },
    columns(table) {
      return this.query('select column_name::text from information_schema.columns where table_name = ? '
        + 'order by ordinal_position', [table]).map(([name]) => name);
    },
    drop() {
      psql(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * The server binary with the demo data on a fresh database: a SQLite file, or with THIDUA_E2E_POSTGRES (a
 * PostgreSQL server's URL) a database of its own there. With THIDUA_E2E_INSTANCES=2, two instances on that one
 * database behind nginx (round-robin): every request of a scenario may reach either.
 */
export async function startServer() {
  const bin = process.env.THIDUA_SERVER_BIN;
  const dist = process.env.THIDUA_DIST;
  if (!bin || !dist) throw new Error('THIDUA_SERVER_BIN and THIDUA_DIST must be set (scripts/test.sh sets them)');
  const dir = mkdtempSync(path.join(tmpdir(), 'thidua-e2e-'));
  const storage = process.env.THIDUA_E2E_POSTGRES
    ? postgresStorage(dir, process.env.THIDUA_E2E_POSTGRES)
    : sqliteStorage(dir);
  const ports = [await freePort()];
  const children = [await startInstance(bin, ports[0], storage.env, dist)];
  let base = `http://127.0.0.1:${ports[0]}`;
  if (process.env.THIDUA_E2E_INSTANCES === '2') {
    ports.push(await freePort());
    children.push(await startInstance(bin, ports[1], storage.env, dist));
    const balancer = await startBalancer(dir, ports);
    base = balancer.base;
    children.push(balancer.child);
  }
  return {
    base,
    /** Where the server keeps attached files (beside the SQLite file, or PostgreSQL's THIDUA_FILES). */
    filesDir: path.join(dir, 'thidua.files'),
    /** The (first) instance's process, for the benchmarks' memory figures. */
    pid: children[0].pid,
    /** Runs one SQL query (`?` for each of `params`) on the server's database and returns the rows. */
    query: (sql, params = []) => storage.query(sql, params),
    /** A table's column names, in order. */
    columns: (table) => storage.columns(table),
    async stop() {
      for (const child of children.reverse()) {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      }
      storage.drop();
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

/**
 * Waits until a whole sync has run on a freshly signed-in page: its records and then its reference data (units,
 * people, the rulebook), which come after them. A test that goes offline sooner may cut the reference off.
 */
export async function synced(page) {
  await page.waitForSelector('#last-sync:not([data-at=""])', { timeout: 15_000 });
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

/** The widths every screen is checked at: a phone, a tablet, a desktop. */
const WIDTHS = [390, 800, 1280];

/**
 * What is wrong with the layout at the current width: the page scrolling sideways, or a visible control cut off
 * by the viewport (one inside a box that scrolls sideways on its own is reachable, and allowed).
 */
function layoutProblems(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    if (document.documentElement.scrollWidth > width) {
      problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    const scrollsInside = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (/(auto|scroll)/.test(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
      `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}` +
      ` "${(el.textContent || el.value || '').trim().slice(0, 30)}"`;
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href], [role=button]')) {
      if (!el.checkVisibility()) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if ((box.left < -1 || box.right > width + 1) && !scrollsInside(el)) {
        problems.push(`${describe(el)} at ${Math.round(box.left)}–${Math.round(box.right)} px`);
      }
    }
    return problems;
  });
}

/** axe-core's violations of WCAG 2.1 level A and AA on the page as it stands, one line each. */
async function accessibilityProblems(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: new URL('../../node_modules/axe-core/axe.min.js', import.meta.url).pathname });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => `${v.id} (${v.help}): ${v.nodes.slice(0, 5).join(', ')}`);
}

/**
 * Checks the screen as it stands at every width: layout, and accessibility at the phone's and the desktop's.
 * With THIDUA_SCREENSHOTS=dir and a `picture` selector, saves that part of the screen as `name-390.png` and
 * `name-1280.png` there (the README's pictures).
 */
export async function checkScreen(page, name, picture) {
  const problems = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(120);
    for (const p of await layoutProblems(page)) problems.push(`${name} at ${width} px: ${p}`);
    if (width !== 800) {
      for (const p of await accessibilityProblems(page)) problems.push(`${name} at ${width} px: ${p}`);
    }
    if (process.env.THIDUA_SCREENSHOTS && picture && width !== 800) {
      await page.locator(picture).first().screenshot({ path: path.join(process.env.THIDUA_SCREENSHOTS, `${name}-${width}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return problems;
}

/** Presses a step that asks first (`ConfirmStep`), and confirms it. */
export async function confirmStep(page, id) {
  await page.click(`#${id}`);
  await page.click(`#${id} ~ .confirm .confirm-yes`);
}

/** Opens the dossier of a review table's row; resolves to the dossier. */
export async function openDossier(page, row) {
  await row.locator('.open-dossier').click();
  const dossier = page.locator('#dossier');
  await dossier.waitFor({ timeout: 10_000 });
  return dossier;
}

/** Approves the open dossier: "Duyệt", then the confirmation. */
export async function approveIn(dossier) {
  await dossier.locator('button.approve').click();
  await dossier.locator('.confirm .confirm-yes').click();
}

/**
 * A camera-like JPEG made by the browser itself: `width` × `height`, with detail that does not compress away;
 * another `seed` is another picture.
 */
export async function cameraPhoto(page, width, height, seed = 0) {
  const base64 = await page.evaluate(async ([w, h, seed]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    for (let i = 0; i < 400; i += 1) {
      g.fillStyle = `hsl(${(i * 37 + seed * 11) % 360}, 60%, ${20 + (i % 60)}%)`;
      g.fillRect((i * 97) % w, (i * 61) % h, w / 6, h / 6);
    }
    const noise = g.getImageData(0, 0, w, h / 3);
    for (let i = 0; i < noise.data.length; i += 4) noise.data[i] ^= (i * 2654435761) >>> 27;
    g.putImageData(noise, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, [width, height, seed]);
  return Buffer.from(base64, 'base64');
}
