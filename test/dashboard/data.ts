/**
 * Real data for the dashboard tests, sent through POST /v1/ingest as Fluent Bit sends it: the
 * captured Fluent Bit requests of test/fixtures (which fire several rules), three days of hourly
 * application logs on two hosts with one error spike (the anomaly history), and SSH brute forces
 * whose lines carry hostile markup (HTML, <script>, Slack mrkdwn) in the user name and message.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postRaw } from '../helpers/service.js';
import { loadCaptures, replayHeaders } from '../helpers/captures.js';

export const INGEST_TOKEN = 'dashboard-test-ingest-token';
/** The service's clock: a few minutes after the last hour of data. */
export const NOW = Date.parse('2026-11-21T10:06:00Z');
const HOUR = 3_600_000;
export const HISTORY_START = NOW - 6 * 60_000 - 72 * HOUR;
/** The hour of web1 whose errors jump from ~1 to 150. */
export const SPIKE_HOUR = Date.parse('2026-11-21T07:00:00Z');

export const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  script: '<script>alert(2)</script>',
  mrkdwn: '*urgent* <!channel> <https://evil.example|click here> _x_ `code`',
};
/** Public addresses the local GeoLite2/ASN data knows (country and ASN on the dashboard). */
export const BRUTE_IP = '8.8.8.8';
export const SILENCE_IP = '1.1.1.1';

let offset = 1_000_000;

function record(host: string, kind: string, file: string, log: string) {
  offset += 200;
  return { fb_time: new Date(NOW - 60_000).toISOString(), file, offset, log, hostname: host, source_kind: kind };
}

async function post(base: string, records: unknown[], tag: string): Promise<void> {
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${INGEST_TOKEN}`, 'X-Fluent-Tag': tag };
  for (let i = 0; i < records.length; i += 2000) {
    const res = await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(records.slice(i, i + 2000))));
    assert.equal(res.status, 204, res.text);
  }
}

/** An app JSON line (what a pino-style logger writes), as the tail input reads it. */
function appLine(host: string, t: number, level: string, msg: string, extra: Record<string, unknown> = {}) {
  return record(host, 'app', '/var/log/app/api.log', JSON.stringify({ time: new Date(t).toISOString(), level, msg, ...extra }));
}

function sshFailures(ip: string, users: string[], startSec: number, host = 'web1') {
  return users.map((u, i) => {
    const s = startSec + i * 2;
    return record(host, 'auth', '/var/log/auth.log', `Nov 21 10:0${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} ${host} sshd[${7000 + s}]: Failed password for invalid user ${u} from ${ip} port ${40000 + s} ssh2`);
  });
}

export async function seed(base: string): Promise<{ events: number }> {
  let events = 0;
  for (const cap of loadCaptures('raw-gzip-json')) {
    const res = await postRaw(base, cap.path, { ...replayHeaders(cap.headers), Authorization: `Bearer ${INGEST_TOKEN}` }, cap.body);
    assert.equal(res.status, 204, res.text);
  }

  const history: unknown[] = [];
  for (let h = Math.ceil(HISTORY_START / HOUR) * HOUR; h < NOW - HOUR; h += HOUR) {
    for (const host of ['web1', 'db1']) {
      for (let i = 0; i < 8; i++) history.push(appLine(host, h + i * 400_000 + 1000, 'info', `request served in ${10 + i} ms`, { path: `/api/items/${i}` }));
      history.push(appLine(host, h + 1_800_000, 'error', 'cache miss storm on shard 3'));
      if (host === 'web1' && h === SPIKE_HOUR) {
        for (let i = 0; i < 150; i++) history.push(appLine(host, h + 60_000 + i * 20_000, 'error', `upstream timed out while reading response header from upstream, client: 10.0.0.${i % 200}`));
      }
    }
  }
  // The hostile lines: an application error message in Slack mrkdwn and HTML.
  history.push(appLine('web1', NOW - 30 * 60_000, 'error', `login failed ${HOSTILE.mrkdwn} ${HOSTILE.img}`));
  await post(base, history, 'app.var.log.app.api.log');
  events += history.length;

  // Brute forces: 12 failures each within 24 s (ssh-brute-force fires at 10 in 5 minutes), two
  // on web1 (one with hostile user names), one on db1 from a documentation-range address.
  const hostileUsers = Array.from({ length: 12 }, (_, i) => (i % 2 ? HOSTILE.img : HOSTILE.script));
  const auth = [
    ...sshFailures(BRUTE_IP, hostileUsers, 0),
    ...sshFailures(SILENCE_IP, Array.from({ length: 12 }, (_, i) => `admin${i}`), 100),
    ...sshFailures('203.0.113.50', Array.from({ length: 12 }, () => 'oracle'), 60, 'db1'),
  ];
  await post(base, auth, 'auth.var.log.auth.log');
  events += auth.length;
  return { events };
}
