// Lighthouse on the screens people open most — sign-in, campaigns, the
// wizard's review and the asset library — in Debian's Chromium against the
// real binary with the demo data (the same stack as the browser tests), for
// the desktop and the mobile profile. Writes docs/lighthouse.md and fails
// when accessibility is below 95; performance is a measure, reported, never
// asserted (it depends on the machine's load).
// Run with `make lighthouse` (installs Lighthouse into scripts/lighthouse).
// While working on one screen: LIGHTHOUSE_SCREENS="Wizard review,Asset
// library" and LIGHTHOUSE_PROFILES=mobile run only those (the document is
// then written only to LIGHTHOUSE_DOC, when set); LIGHTHOUSE_RUNS=3 runs each
// three times and reports the run of median performance (scores move with
// the machine's load); LIGHTHOUSE_REPORTS=dir keeps each run's full report.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADMIN, startStack } from './harness.mjs';

const lhDir = path.resolve(process.env.LIGHTHOUSE_DIR ?? '../scripts/lighthouse');
const req = createRequire(path.join(lhDir, 'package.json'));
const load = async (name) => import(pathToFileURL(req.resolve(name)).href);
const { default: lighthouse, desktopConfig } = await load('lighthouse');
const chromeLauncher = await load('chrome-launcher');

const out = process.env.E2E_OUT ?? mkdtempSync(path.join(os.tmpdir(), 'imaphub-lighthouse-'));
const list = (v) => (v ? v.split(',').map((x) => x.trim().toLowerCase()) : null);
const onlyScreens = list(process.env.LIGHTHOUSE_SCREENS);
const onlyProfiles = list(process.env.LIGHTHOUSE_PROFILES);
const runsEach = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 1) || 1);
const reports = process.env.LIGHTHOUSE_REPORTS ?? null;
if (reports) mkdirSync(reports, { recursive: true });
const stack = await startStack({ out });
const rows = [];
let failed = false;
try {
  const context = await stack.browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  await page.goto(`${stack.base}/campaigns`);
  await page.getByLabel('E-Mail').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { name: 'Kampagnen' }).waitFor();
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const camps = await (await page.request.get(`${stack.base}/api/campaigns?limit=100`)).json();
  const search = camps.items.find((c) => c.type === 'SEARCH') ?? camps.items[0];
  await context.close();

  const screens = [
    ['Sign-in', '/campaigns', false],
    ['Campaigns', '/campaigns', true],
    ['Wizard review', `/campaigns/${search.id}/wizard`, true],
    ['Asset library', '/assets', true],
  ].filter(([name]) => !onlyScreens || onlyScreens.includes(name.toLowerCase()));
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--lang=de-DE'],
  });
  try {
    const profiles = [['desktop', desktopConfig], ['mobile', undefined]].filter(([p]) => !onlyProfiles || onlyProfiles.includes(p));
    for (const [profile, config] of profiles) {
      for (const [name, url, signedIn] of screens) {
        const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'], extraHeaders: signedIn ? { Cookie: cookie } : {} };
        const score = (lhr, c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
        const runs = [];
        for (let i = 0; i < runsEach; i++) {
          const { lhr } = await lighthouse(`${stack.base}${url}`, flags, config);
          runs.push(lhr);
          if (reports) writeFileSync(path.join(reports, `${profile}-${name.replace(/\W+/g, '-').toLowerCase()}-${i + 1}.json`), JSON.stringify(lhr));
          if (runsEach > 1) console.log(`  ${profile} ${name} run ${i + 1}: performance ${score(lhr, 'performance')}`);
        }
        runs.sort((a, b) => score(a, 'performance') - score(b, 'performance'));
        const lhr = runs[Math.floor(runs.length / 2)];
        const a11y = score(lhr, 'accessibility');
        const perf = score(lhr, 'performance');
        const audit = (id) => lhr.audits[id]?.displayValue ?? '';
        rows.push({ profile, name, a11y, perf, fcp: audit('first-contentful-paint'), lcp: audit('largest-contentful-paint'), tbt: audit('total-blocking-time'), cls: audit('cumulative-layout-shift') });
        const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id && r.weight > 0)).map((a) => a.id);
        console.log(`${profile.padEnd(8)} ${name.padEnd(14)} accessibility ${a11y} performance ${perf} (LCP ${audit('largest-contentful-paint')}, TBT ${audit('total-blocking-time')})${failing.length ? `  (accessibility audits failing: ${failing.join(', ')})` : ''}`);
        if (a11y < 95) failed = true;
      }
    }
  } finally {
    await chrome.kill();
  }
} finally {
  await stack.stop();
}

const md = [
  '# Lighthouse',
  '',
  'Written by `make lighthouse` (web/e2e/lighthouse.mjs): Lighthouse 12 in Debian\'s Chromium against the',
  'real binary with the demo data, German interface, signed in as an administrator where the screen needs',
  'it. Bars: accessibility ≥ 95 (the run fails below it) and performance ≥ 90 (a measure that depends on',
  'the machine\'s load, so it is reported, not asserted). Mobile is Lighthouse\'s default profile',
  '(simulated slow 4G and a 4× slower CPU); desktop its desktop profile.',
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${os.type()} ${os.release()}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}.${runsEach > 1 ? ` Each row is the run of median performance of ${runsEach}.` : ''}`,
  '',
  '| profile | screen | accessibility | performance | FCP | LCP | TBT | CLS |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.profile} | ${r.name} | ${r.a11y} | ${r.perf} | ${r.fcp} | ${r.lcp} | ${r.tbt} | ${r.cls} |`),
  '',
].join('\n');
// A partial run leaves docs/lighthouse.md alone.
const doc = process.env.LIGHTHOUSE_DOC ?? (onlyScreens || onlyProfiles ? null : '../docs/lighthouse.md');
if (doc) {
  writeFileSync(doc, md);
  console.log(`written to ${doc}`);
}
process.exit(failed ? 1 : 0);
