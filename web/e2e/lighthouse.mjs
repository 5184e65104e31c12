// Lighthouse on the screens people open most — sign-in, campaigns, the
// wizard's review and the asset library — in Debian's Chromium against the
// real binary with the demo data (the same stack as the browser tests), for
// the desktop and the mobile profile. Writes docs/lighthouse.md and fails
// when accessibility is below 95; performance is a measure, reported, never
// asserted (it depends on the machine's load).
// Run with `make lighthouse` (installs Lighthouse into scripts/lighthouse).
import { mkdtempSync, writeFileSync } from 'node:fs';
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
  ];
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--lang=de-DE'],
  });
  try {
    for (const [profile, config] of [['desktop', desktopConfig], ['mobile', undefined]]) {
      for (const [name, url, signedIn] of screens) {
        const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'], extraHeaders: signedIn ? { Cookie: cookie } : {} };
        const res = await lighthouse(`${stack.base}${url}`, flags, config);
        const lhr = res.lhr;
        const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
        const a11y = score('accessibility');
        const perf = score('performance');
        const audit = (id) => lhr.audits[id]?.displayValue ?? '';
        rows.push({ profile, name, a11y, perf, fcp: audit('first-contentful-paint'), lcp: audit('largest-contentful-paint'), tbt: audit('total-blocking-time'), cls: audit('cumulative-layout-shift') });
        const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id && r.weight > 0)).map((a) => a.id);
        console.log(`${profile.padEnd(8)} ${name.padEnd(14)} accessibility ${a11y} performance ${perf}${failing.length ? `  (accessibility audits failing: ${failing.join(', ')})` : ''}`);
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
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${os.type()} ${os.release()}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| profile | screen | accessibility | performance | FCP | LCP | TBT | CLS |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.profile} | ${r.name} | ${r.a11y} | ${r.perf} | ${r.fcp} | ${r.lcp} | ${r.tbt} | ${r.cls} |`),
  '',
].join('\n');
const doc = process.env.LIGHTHOUSE_DOC ?? '../docs/lighthouse.md';
writeFileSync(doc, md);
console.log(`written to ${doc}`);
process.exit(failed ? 1 : 0);
