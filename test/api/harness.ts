/**
 * A real service for the API tests: temp SQLite store, alerting with a Slack webhook on loopback,
 * the LLM module against a local server speaking Ollama's API, anomaly detection with a short
 * history requirement, and real log lines posted the way Fluent Bit posts them. Service time is
 * a fixed clock (2026-11-21T10:06:00Z), so the anomaly module's closed hours are those of the lines.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { FakeOllama } from '../helpers/fake-ollama.js';
import { startFakeSlack, type FakeSlack } from '../alerting/helpers.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';
import type { LlmModule } from '../../alert-service/src/llm/index.js';

export const INGEST_TOKEN = 'api-test-ingest-token';
export const NOW = Date.parse('2026-11-21T10:06:00Z');
export const ATTACKER = '198.51.100.77';

export class TestClock {
  constructor(public t: number) {}
  now = () => this.t;
}

export interface Harness {
  t: TestService;
  base: string;
  slack: FakeSlack;
  ollama: FakeOllama;
  clock: TestClock;
  alerting: AlertingModule;
  llm: LlmModule;
  close(): Promise<void>;
}

export async function startHarness(server: Record<string, unknown> = {}, opts: { dir?: string; ollama?: FakeOllama; slack?: FakeSlack } = {}): Promise<Harness> {
  const slack = opts.slack ?? (await startFakeSlack());
  const ollama = opts.ollama ?? (await new FakeOllama().start());
  const clock = new TestClock(NOW);
  const t = await startTestService(
    {
      ingest: { tokens: [INGEST_TOKEN] },
      server,
      alerting: { channels: { slack: { enabled: true, webhook_url: slack.url } }, geoip: { enabled: false }, outbox: { max_attempts: 1 } } as never,
      llm: { enabled: true, host: ollama.url, poll_interval_s: 3600, health_interval_s: 3600, review_interval_s: 0, investigate_max_steps: 2, investigate_timeout_s: 20 } as never,
      anomaly: { min_training_hours: 24, training_days: 3 } as never,
    },
    { clock, ...(opts.dir ? { dir: opts.dir } : {}) },
  );
  const base = `http://127.0.0.1:${await t.service.listen()}`;
  return {
    t,
    base,
    slack,
    ollama,
    clock,
    alerting: t.service.modules.find((m) => m.name === 'alerting') as AlertingModule,
    llm: t.service.modules.find((m) => m.name === 'llm') as LlmModule,
    async close() {
      await t.close();
      if (!opts.slack) await slack.close();
      if (!opts.ollama) await ollama.close();
    },
  };
}

let offset = 0;
/** Posts raw log lines of one file as Fluent Bit's tail input + HTTP output sends them. */
export async function ingestLines(base: string, host: string, file: string, kind: string, lines: string[]): Promise<void> {
  const records = lines.map((log) => ({ fb_time: '2026-11-21T10:05:59.000Z', file, offset: (offset += 200), log, hostname: host, source_kind: kind }));
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${INGEST_TOKEN}`, 'X-Fluent-Tag': `${kind}.${file}` };
  const res = await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(records)));
  assert.equal(res.status, 204, res.text);
}

const pad = (n: number) => String(n).padStart(2, '0');
/** "Nov 21 10:05:03" for a time in ms (UTC; the service reads syslog times without a zone as UTC). */
export function syslogTime(ms: number): string {
  const d = new Date(ms);
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Twelve failed root logins from ATTACKER on web1 within 22 s: one ssh-brute-force alert. */
export function bruteForceLines(ip = ATTACKER, at = NOW - 60_000): string[] {
  return Array.from({ length: 12 }, (_, i) => `${syslogTime(at + i * 2000)} web1 sshd[${4000 + i}]: Failed password for root from ${ip} port ${50000 + i} ssh2`);
}

/** Waits (bounded) until `check` holds; the pump and channel workers run asynchronously. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
