// Lighthouse on two pages of the app, run by scripts/lighthouse.sh (which installs Lighthouse and sets the
// environment): the sign-in page on a fresh profile, and a field user's first screen after signing in through the
// real form. Mobile profile (Lighthouse's defaults: a mid-range phone's screen, simulated slow 4G, CPU ×4);
// categories performance, accessibility and best practices. Each page is measured THIDUA_LIGHTHOUSE_RUNS times
// (default 3) and the median run kept: on a shared 2-core machine total blocking time moves by 100 ms between runs.
// Prints `lighthouse_<page>_<category>=<score 0-100>` lines and each page's failing audits, writes the full
// reports to $THIDUA_LIGHTHOUSE_REPORTS (HTML and JSON), and replaces the "## Lighthouse" section of
// BENCHMARKS.md. Not a test: it measures and never fails on a low score.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, signIn } from '../e2e/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tools = process.env.LIGHTHOUSE_TOOLS || path.join(root, 'target/lighthouse-tools');
const reports = process.env.THIDUA_LIGHTHOUSE_REPORTS || path.join(root, 'target/lighthouse-reports');
const benchmarks = process.env.THIDUA_BENCHMARKS_MD || path.join(root, 'BENCHMARKS.md');
const chromePath = process.env.CHROME_PATH || process.env.CHROMIUM || '/usr/bin/chromium';
const FIELD_USER = 'tamduong.lan'; // Trần Thị Lan, staff of the Tam Dương centre (server/src/demo.rs)
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const TARGETS = { performance: '≥ 90', accessibility: '100', 'best-practices': '100' };
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift',
  'speed-index'];

const RUNS = Number(process.env.THIDUA_LIGHTHOUSE_RUNS || 3);

const load = (file) => import(pathToFileURL(path.join(tools, 'node_modules', file)).href);
const { default: lighthouse } = await load('lighthouse/core/index.js');
const { computeMedianRun } = await load('lighthouse/core/lib/median-run.js');
const chromeLauncher = await load('chrome-launcher/dist/index.js');
const lighthouseVersion = JSON.parse(readFileSync(path.join(tools, 'node_modules/lighthouse/package.json'))).version;

/**
 * The audits of a category that failed, the most points lost first: `points` is what the audit costs the
 * category's score (a metric's weight times its shortfall), `savings` what Lighthouse estimates fixing it gives
 * the metrics (an insight or diagnostic costs no points itself but slows a metric). Performance's metrics are
 * listed too, with their values; an audit of weight 0 in accessibility or best practices is not scored.
 */
function failing(lhr, category) {
  const refs = lhr.categories[category].auditRefs;
  const total = refs.reduce((sum, ref) => sum + ref.weight, 0) || 1;
  return refs
    .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
    .filter(({ audit }) => audit.score !== null && audit.score < 1
      && ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode))
    .map(({ ref, audit }) => ({
      ...audit,
      category,
      points: (ref.weight * (1 - audit.score) * 100) / total,
      savings: Object.entries(audit.metricSavings ?? {}).filter(([, value]) => value > 0)
        .map(([metric, value]) => `${metric} ${metric === 'CLS' ? value.toFixed(3) : `${Math.round(value)} ms`}`),
    }))
    .sort((a, b) => b.points - a.points || b.savings.length - a.savings.length || a.score - b.score);
}

/** What a failed audit costs, in words: "−4.1 points", "would save CLS 0.425", "not scored". */
function cost(failed) {
  const parts = [];
  if (failed.points >= 0.05) parts.push(`−${failed.points.toFixed(1)} points`);
  if (failed.savings.length) parts.push(`would save ${failed.savings.join(', ')}`);
  return parts.length ? parts.join(', ') : 'not scored';
}

/** The elements, messages or URLs an audit names, each once with its count; nested tables are searched too. */
function offenders(details, limit = 8) {
  const found = new Map();
  const add = (text) => found.set(text, (found.get(text) ?? 0) + 1);
  const node = (n) => `${n.selector}${n.snippet ? `  ${n.snippet.slice(0, 140)}` : ''}`;
  const walk = (items) => {
    for (const item of items ?? []) {
      if (item.type === 'table' || item.type === 'list') walk(item.items);
      else if (item.type === 'node' && item.selector) add(node(item));
      else if (item.type === 'list-section') continue;
      else if (item.node?.type === 'node' && item.node.selector) add(node(item.node));
      else if (item.subItems?.items?.some((sub) => sub.node?.selector)) walk(item.subItems.items);
      else if (typeof item.description === 'string') add(item.description.slice(0, 200));
      else if (typeof item.url === 'string') add(item.url);
      else if (typeof item.source === 'string') add(item.source);
    }
  };
  walk(details?.items);
  const lines = [...found].map(([text, count]) => (count > 1 ? `${text}  (×${count})` : text));
  return lines.length > limit ? [...lines.slice(0, limit), `… ${lines.length - limit} more`] : lines;
}

const score = (lhr, category) => Math.round(lhr.categories[category].score * 100);

/** Runs Lighthouse RUNS times on `url` and keeps the median run (Lighthouse's own choice: by FCP and TTI). */
async function audit(page, url, port, disableStorageReset) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await lighthouse(url, {
      port,
      logLevel: process.env.THIDUA_LIGHTHOUSE_LOG || 'error',
      output: ['html', 'json'],
      onlyCategories: CATEGORIES,
      disableStorageReset,
    });
    runs.push(run);
    console.log(`# ${page}: run ${i + 1} of ${RUNS}: ${CATEGORIES.map((c) => `${c} ${score(run.lhr, c)}`).join(', ')}`);
  }
  const median = computeMedianRun(runs.map((run) => run.lhr));
  const result = runs.find((run) => run.lhr === median);
  mkdirSync(reports, { recursive: true });
  writeFileSync(path.join(reports, `${page}.html`), result.report[0]);
  writeFileSync(path.join(reports, `${page}.json`), result.report[1]);
  const { lhr } = result;
  if (lhr.runtimeError) console.log(`# ${page}: Lighthouse's runtime error: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  for (const warning of lhr.runWarnings) console.log(`# ${page}: warning: ${warning}`);
  for (const category of CATEGORIES) console.log(`lighthouse_${page}_${category}=${score(lhr, category)}`);
  for (const id of METRICS) console.log(`# ${page}: ${lhr.audits[id].title}: ${lhr.audits[id].displayValue}`);
  for (const category of CATEGORIES) {
    for (const failed of failing(lhr, category)) {
      console.log(`# ${page}: ${category}: ${failed.id} — ${failed.title}` +
        `${failed.displayValue ? ` — ${failed.displayValue}` : ''} (score ${failed.score}; ${cost(failed)})`);
      for (const offender of offenders(failed.details)) console.log(`#     ${offender}`);
    }
  }
  return lhr;
}

const server = await startServer();
let chrome;
let browser;
let chromiumVersion;
let afterSignIn;
const results = {};
try {
  chrome = await chromeLauncher.launch({
    chromePath,
    // The harness's flags (tests/e2e/harness.mjs); chrome-launcher adds a fresh profile and a debugging port.
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    logLevel: 'silent',
  });
  // The user agent Lighthouse records is reduced (156.0.0.0); the browser's own endpoint has the full version.
  chromiumVersion = (await (await fetch(`http://127.0.0.1:${chrome.port}/json/version`)).json())
    .Browser.replace(/^[^/]*\//, '');

  // (a) The sign-in page, as a new device opens it: Lighthouse empties the origin's storage and caches first.
  results['sign-in'] = await audit('sign-in', `${server.base}/`, chrome.port, false);

  // (b) A field user's first screen: signed in through the form in a tab of the same browser (its default
  //     profile, which Lighthouse's own tab shares), the first sync done and the service worker in control;
  //     Lighthouse then keeps storage and caches, as a tablet reopening the app has them.
  browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
  const tab = await browser.contexts()[0].newPage();
  await signIn(tab, server.base, FIELD_USER);
  await tab.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  await tab.waitForLoadState('networkidle');
  afterSignIn = new URL(tab.url()).pathname;
  await tab.close();
  results['field'] = await audit('field', `${server.base}${afterSignIn}`, chrome.port, true);
} finally {
  await browser?.close().catch(() => {});
  await chrome?.kill();
  await server.stop();
}

// The "## Lighthouse" section of BENCHMARKS.md, replaced in place (or added at the end); the rest is kept.
const anyLhr = results['sign-in'];
const pages = [
  ['sign-in', 'sign-in page `/`, a new device (storage and caches emptied)'],
  ['field', `field user's first screen after sign-in (\`${afterSignIn}\`, ${FIELD_USER}; service worker and caches kept)`],
];
const lines = [
  '## Lighthouse',
  '',
  `Written by \`scripts/lighthouse.sh\` on ${new Date().toISOString().slice(0, 10)}: Lighthouse ${lighthouseVersion}, ` +
    `Chromium ${chromiumVersion} headless, the release server with demo data.`,
  "Mobile profile, Lighthouse's defaults: a phone's screen, simulated slow 4G (150 ms, 1.6 Mbit/s) and CPU ×4 " +
    `(this machine's benchmark index ${Math.round(anyLhr.environment.benchmarkIndex)}). The median of ${RUNS} runs per page;`,
  'scores 0–100. A command to run, not a test; the full reports are written to `target/lighthouse-reports/`.',
  '',
  '| page | performance | accessibility | best practices |',
  '|---|---|---|---|',
  ...pages.map(([key, label]) => `| ${label} | ${CATEGORIES.map((c) => score(results[key], c)).join(' | ')} |`),
  `| target (issue) | ${CATEGORIES.map((c) => TARGETS[c]).join(' | ')} |`,
  '',
  `| page | ${METRICS.map((id) => anyLhr.audits[id].title.toLowerCase()).join(' | ')} |`,
  `|---|${METRICS.map(() => '---').join('|')}|`,
  ...pages.map(([key]) => `| ${key} | ${METRICS.map((id) => results[key].audits[id].displayValue).join(' | ')} |`),
  '',
  'What loses points, the most first (performance: its metrics and what would speed them up; the HTML reports name',
  'every element):',
];
for (const [key] of pages) {
  const lost = CATEGORIES.flatMap((category) => failing(results[key], category))
    .filter((failed) => failed.points >= 0.05 || failed.savings.length || failed.category !== 'performance')
    .sort((a, b) => b.points - a.points || b.savings.length - a.savings.length);
  const listed = lost.map((failed) => {
    const where = offenders(failed.details, 2).filter((text) => !text.startsWith('http') && !text.startsWith('…'));
    return `\`${failed.id}\` (${failed.category}${failed.displayValue ? `, ${failed.displayValue}` : ''}; ${cost(failed)}` +
      `${where.length ? `; \`${where[0].split('  ')[0]}\`` : ''})`;
  });
  lines.push(`- ${key}: ${listed.length ? listed.join('; ') : 'nothing'}.`);
}
const section = lines.join('\n');
let text;
try { text = readFileSync(benchmarks, 'utf8'); } catch { text = '# Benchmarks\n'; }
const all = text.split('\n');
const start = all.findIndex((line) => /^## Lighthouse\s*$/.test(line));
if (start < 0) {
  text = `${text.replace(/\n*$/, '')}\n\n${section}\n`;
} else {
  const next = all.findIndex((line, i) => i > start && line.startsWith('## '));
  text = [...all.slice(0, start), section, ...(next < 0 ? [''] : ['', ...all.slice(next)])].join('\n');
}
writeFileSync(benchmarks, text);
console.log(`# wrote the Lighthouse section of ${path.relative(process.cwd(), benchmarks) || benchmarks}`);
