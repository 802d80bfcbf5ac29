/**
 * How the service serves the dashboard build, without a browser: the page routes answer
 * index.html (the notification links included) under the dashboard CSP, hashed assets are cached
 * for good, a missing build answers a 503 that says how to build it, and nothing else changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { DASHBOARD_CSP, dashboardRouter } from '../../alert-service/src/server/dashboard.js';
import { alertUrl } from '../../alert-service/src/alerting/template/context.js';

function appWith(dist: string) {
  const app = express();
  app.use(dashboardRouter(dist));
  app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
  return app;
}

test('page routes answer index.html under the CSP; assets are served with a long cache', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'logward-dist-'));
  try {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc.js"></script>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = appWith(dist);
    // The links notifications carry (public_url + /alerts/<id>, + /alerts) open dashboard pages.
    const links = [new URL(alertUrl('http://127.0.0.1:8080/', 42)).pathname, '/alerts', '/', '/events', '/overview'];
    assert.equal(links[0], '/alerts/42');
    for (const path of links) {
      const res = await request(app).get(path).expect(200);
      assert.match(res.headers['content-type'] ?? '', /^text\/html/);
      assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.text, /index-abc\.js/);
    }
    const js = await request(app).get('/assets/index-abc.js').expect(200);
    assert.match(js.headers['content-type'] ?? '', /javascript/);
    assert.match(js.headers['cache-control'] ?? '', /max-age=31536000, immutable/);
    await request(app).get('/assets/nope.js').expect(404);
    await request(app).get('/assets/..%2findex.html').expect(404);
    await request(app).get('/alerts/1/x').expect(404);
    await request(app).post('/alerts').expect(404);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});

test('the CSP allows scripts, styles and API calls from this origin only, nothing inline', () => {
  const d = Object.fromEntries(DASHBOARD_CSP.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1).join(' ')]));
  assert.equal(d['default-src'], "'none'");
  assert.equal(d['script-src'], "'self'");
  assert.equal(d['style-src'], "'self'");
  assert.equal(d['connect-src'], "'self'");
  assert.equal(d['frame-ancestors'], "'none'");
  assert.equal(d['base-uri'], "'none'");
  assert.doesNotMatch(DASHBOARD_CSP, /unsafe|data:|\*/);
});

test('without a build the pages answer 503 saying how to build it', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'logward-dist-'));
  try {
    const res = await request(appWith(join(dist, 'missing'))).get('/alerts/7').expect(503);
    assert.match(res.text, /npm run build:dashboard/);
    assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
