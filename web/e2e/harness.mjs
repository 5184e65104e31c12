// Starts what the browser tests need: the scripted LLM (behind a proxy that
// slows each answer, so a reload can land mid-generation), the fake Google
// Ads API and token endpoint (cmd fake-googleads), the real binary on a fresh
// data directory connected to both, and Debian's Chromium.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ADMIN = { email: 'admin@example.com', password: 'e2e-admin-password-1' };

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForHttp(url, proc, name) {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not answer at ${url}`);
}

function start(name, cmd, args, env, logDir) {
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.pipe(log);
  p.stderr.pipe(log);
  return p;
}

/** A proxy that holds every model answer for delayMs before passing it on. */
function slowProxy(port, target, delayMs) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const up = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (ur) => {
        const body = [];
        ur.on('data', (c) => body.push(c));
        ur.on('end', () =>
          setTimeout(() => {
            res.writeHead(ur.statusCode ?? 502, ur.headers);
            res.end(Buffer.concat(body));
          }, delayMs),
        );
      });
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      up.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/**
 * Starts the fake Google Ads server and answers the IMAPHUB_GOOGLEADS_*
 * variables it prints, which connect the product to it.
 */
async function startFakeGoogleAds(bin, port, logDir) {
  const log = createWriteStream(path.join(logDir, 'fake-googleads.log'));
  const p = spawn(bin, ['-addr', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stderr.pipe(log);
  const env = await new Promise((resolve, reject) => {
    let text = '';
    const found = {};
    p.on('exit', (code) => reject(new Error(`fake-googleads exited with ${code}: ${text}`)));
    p.stdout.on('data', (chunk) => {
      log.write(chunk);
      text += chunk;
      for (const m of text.matchAll(/export (IMAPHUB_GOOGLEADS_[A-Z_]+)=(\S+)/g)) found[m[1]] = m[2];
      if (Object.keys(found).length >= 8) resolve(found);
    });
  });
  p.stdout.removeAllListeners('data');
  p.stdout.pipe(log);
  return { proc: p, env, url: env.IMAPHUB_GOOGLEADS_API_URL };
}

export async function startStack({ out }) {
  const bin = process.env.BIN ?? '../bin/imaphub';
  const llmBin = process.env.SCRIPTED_LLM ?? '../bin/scripted-llm';
  const adsBin = process.env.FAKE_GOOGLEADS ?? '../bin/fake-googleads';
  const logDir = path.join(out, 'logs');
  mkdirSync(logDir, { recursive: true });
  const [llmPort, proxyPort, appPort, adsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const llm = start('scripted-llm', llmBin, ['-addr', `127.0.0.1:${llmPort}`], {}, logDir);
  await waitForHttp(`http://127.0.0.1:${llmPort}/v1/models`, llm, 'scripted-llm');
  const ads = await startFakeGoogleAds(adsBin, adsPort, logDir);
  const proxy = await slowProxy(proxyPort, llmPort, Number(process.env.E2E_LLM_DELAY_MS ?? 250));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'imaphub-e2e-'));
  const base = `http://127.0.0.1:${appPort}`;
  const app = start(
    'imaphub',
    bin,
    ['serve', '--demo'],
    {
      IMAPHUB_DATA_DIR: dataDir,
      IMAPHUB_ADDR: `127.0.0.1:${appPort}`,
      IMAPHUB_COOKIE_SECURE: 'false',
      IMAPHUB_ADMIN_EMAIL: ADMIN.email,
      IMAPHUB_ADMIN_PASSWORD: ADMIN.password,
      IMAPHUB_LLM_BASE_URL: `http://127.0.0.1:${proxyPort}/v1`,
      IMAPHUB_LLM_MODEL: 'scripted',
      IMAPHUB_LLM_API_KEY: 'x',
      ...ads.env,
    },
    logDir,
  );
  await waitForHttp(`${base}/readyz`, app, 'imaphub');
  const index = await (await fetch(`${base}/`)).text();
  if (!index.includes('id="app"')) throw new Error(`${bin} serves no web app: build it with the webui tag (make build-ui)`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  return {
    base,
    browser,
    logDir,
    /** The fake Google Ads server: its control endpoints queue faults and list what it received. */
    googleAds: ads.url,
    async stop() {
      await browser.close().catch(() => {});
      for (const p of [app, llm, ads.proc]) if (p.exitCode === null) p.kill('SIGTERM');
      proxy.close();
    },
  };
}

/** A tiny runner: named tests in order, a summary line the CI reads. */
export async function run(tests, ctx) {
  let passed = 0;
  let failed = 0;
  // E2E_ONLY=regexp runs the tests whose names match (while working on them).
  const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
  for (const [name, fn] of tests) {
    if (only && !only.test(name)) continue;
    const t0 = Date.now();
    ctx.beforeEach?.();
    try {
      await fn(ctx);
      passed++;
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
    }
  }
  return { passed, failed };
}

export function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

// A control's state after the screen settles: a button may be off for a
// moment while the screen reloads what an action changed (a dry run, a
// publish starting), so its final state is awaited, not read once.
export async function expectDisabled(locator, want, msg, timeout = 10000) {
  const end = Date.now() + timeout;
  while ((await locator.isDisabled()) !== want) {
    if (Date.now() > end) throw new Error(msg);
    await new Promise((r) => setTimeout(r, 50));
  }
}
