// /vendor/ (app/assets.c): only the files the UI loads are served from
// node_modules; every other file there — other builds, manifests, test
// tools, their sources — is a 404, whatever its type. Also checks that
// every /vendor/ path the UI's code names is one that is served (so the
// list in assets.c and assets/ cannot drift apart).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../lib/api.mjs';

/** Every "/vendor/..." string in assets/ (the UI's code and pages). */
function vendorPathsInAssets(dir = 'assets') {
  const out = new Set();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      for (const x of vendorPathsInAssets(p)) out.add(x);
    } else if (/\.(js|html|css)$/.test(name)) {
      for (const m of readFileSync(p, 'utf8').matchAll(/\/vendor\/[A-Za-z0-9_./-]+/g)) out.add(m[0]);
    }
  }
  return out;
}

describe('/vendor/ serves only what the UI loads', () => {
  test('Chart.js\'s UMD builds are served as JavaScript with the security headers', async () => {
    for (const path of ['/vendor/chart.js/dist/chart.umd.min.js', '/vendor/chart.js/dist/chart.umd.js']) {
      const r = await api('GET', path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.ok(r.text.includes('Chart'), path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(r.headers.get('content-security-policy'), 'CSP on vendor files too');
      const head = await api('HEAD', path);
      assert.equal(head.status, 200);
    }
  });

  test('every /vendor/ path named in assets/ is served', async () => {
    const paths = vendorPathsInAssets();
    assert.ok(paths.size >= 1, 'the UI loads at least Chart.js');
    for (const path of paths) {
      const r = await api('GET', path);
      assert.equal(r.status, 200, `${path} is named in assets/ but not served`);
    }
  });

  // Files that exist in node_modules and would be served by type alone.
  for (const path of [
    '/vendor/chart.js/package.json',
    '/vendor/chart.js/dist/chart.js',
    '/vendor/chart.js/dist/chart.cjs',
    '/vendor/chart.js/dist/helpers.js',
    '/vendor/chart.js/dist/chart.umd.min.js.map',
    '/vendor/chart.js/README.md',
    '/vendor/chart.js/LICENSE.md',
    '/vendor/playwright-core/package.json',
    '/vendor/playwright-core/index.js',
    '/vendor/playwright-core/browsers.json',
    '/vendor/playwright-core/ThirdPartyNotices.txt',
    '/vendor/@kurkle/color/package.json',
    '/vendor/chart.js/dist/',
    '/vendor/chart.js',
    '/vendor/',
    '/vendor/chart.js/dist/chart.umd.min.jsx',
    '/vendor/chart.js/dist/chart.umd.min.js/',
    '/vendor//chart.js/dist/chart.umd.min.js',
    '/vendor/CHART.JS/dist/chart.umd.min.js',
  ]) {
    test(`${path} is a 404`, async () => {
      const local = join('node_modules', path.slice('/vendor/'.length));
      const r = await api('GET', path);
      assert.equal(r.status, 404, `${path} (exists here: ${existsSync(local)}): ${r.status}`);
      assert.ok(!r.text.includes('"name"'), 'no manifest');
    });
  }

  test('the files refused above exist, so the 404s are the list\'s doing', () => {
    for (const f of ['chart.js/package.json', 'chart.js/dist/chart.js', 'playwright-core/index.js']) {
      assert.ok(existsSync(join('node_modules', f)), f);
    }
  });
});
