/**
 * Event identity through a real service (gzip JSON over HTTP, SQLite): distinct events are never
 * merged, resent ones are stored once. Files: the inode tells a rotated file from the old one.
 * Windows: (Channel, EventRecordID, Computer) plus the event's own content.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIXTURES, postRaw, startTestService, type TestService } from '../helpers/service.js';
import { cfg, ingestOne } from './helpers.js';
import { eventId } from '../../alert-service/src/normalize/event-id.js';

const TOKEN = 'identity-test-token-0123456789';
let t: TestService;
let base: string;

before(async () => {
  t = await startTestService({ ingest: { tokens: [TOKEN] } });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(() => t.close());

async function post(records: unknown[], tag: string): Promise<void> {
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': tag };
  const res = await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(records)));
  assert.equal(res.status, 204, res.text);
}
const stored = (pred: (e: { message: string; source: Record<string, unknown>; host: string }) => boolean) => t.service.store.query({ limit: 100000 }).filter(pred);

const LINE = 'Dec  1 00:00:01 web1 sshd[812]: Server listening on 0.0.0.0 port 22.';
const tailRecord = (inode: number | undefined, fbTime: string) => ({
  fb_time: fbTime,
  file: '/var/log/rotated-test/auth.log',
  offset: 0,
  ...(inode !== undefined ? { inode } : {}),
  log: LINE,
  hostname: 'web1',
  source_kind: 'auth',
});

test('a rotated file whose first line equals the old first line: both stored; a resent chunk: once', async () => {
  // auth.log (inode 1311) is rotated to auth.log.1, the new auth.log (inode 1312) starts with the same line at offset 0.
  await post([tailRecord(1311, '2026-12-01T00:00:01.100000Z')], 'auth.var.log.rotated-test.auth.log');
  await post([tailRecord(1312, '2026-12-02T00:00:01.100000Z')], 'auth.var.log.rotated-test.auth.log');
  // Fluent Bit retries the second chunk, and after a crash re-reads the first line (new collection time).
  await post([tailRecord(1312, '2026-12-02T00:00:01.100000Z')], 'auth.var.log.rotated-test.auth.log');
  await post([tailRecord(1312, '2026-12-02T00:05:00.000000Z')], 'auth.var.log.rotated-test.auth.log');
  const events = stored((e) => e.source.path === '/var/log/rotated-test/auth.log');
  assert.equal(events.length, 2, JSON.stringify(events));
  assert.equal(new Set(events.map((e) => (e as { id?: string }).id)).size, 2);
});

test('records without an inode (agents configured before inode_key) keep the id they always had', () => {
  const rec = { fb_time: '2026-11-21T23:47:51.124424Z', file: '/var/log/auth.log', offset: 104, log: 'Nov 21 10:00:01 web1 sshd[3101]: Invalid user admin from 203.0.113.7 port 40112', hostname: 'web1', source_kind: 'auth' };
  // Pinned from the code before this change (event-id.ts at 78a87ee): a replay from an old agent still deduplicates.
  assert.equal(ingestOne(rec, 'auth.var.log.auth.log').id, 'ee09daec193bc578411cb83791010a1f');
  assert.equal(ingestOne(rec, 'auth.var.log.auth.log').id, eventId('tail', 'web1', '/var/log/auth.log', 104, rec.log));
  assert.notEqual(ingestOne({ ...rec, inode: 1311 }, 'auth.var.log.auth.log').id, ingestOne(rec, 'auth.var.log.auth.log').id);
  // An inode beyond 2^53 (XFS, btrfs) still identifies the file: the same value gives the same id.
  assert.equal(ingestOne({ ...rec, inode: 18446744073709551000 }, undefined).id, ingestOne({ ...rec, inode: 18446744073709551000 }, undefined).id);
});

const windowsSample = () => JSON.parse(readFileSync(join(FIXTURES, 'windows-eventlog-samples', 'winevtlog-out-http-body.json'), 'utf8')) as Array<Record<string, unknown>>;

test('two Windows records with the same (Channel, EventRecordID, Computer) and different content: both stored; a re-send: once', async () => {
  const original: Record<string, unknown> = { ...windowsSample()[0]!, EventRecordID: 990001, Computer: 'VDI-07.corp.example.com' };
  // The same desktop after a snapshot revert: record id 990001 again, a different logon failure.
  const reverted = {
    ...original,
    fb_time: '2026-11-22T08:00:00.5Z',
    TimeCreated: '2026-11-22 09:00:00 +0100',
    EventData: { ...(original.EventData as object), TargetUserName: 'svc-backup', IpAddress: '198.51.100.9' },
    Message: 'An account failed to log on. (svc-backup)',
  };
  await post([original], 'win.security');
  await post([reverted], 'win.security');
  // A retried chunk (byte for byte), and a re-read after an agent crash: the message file and the
  // SID lookup render differently and the host's zone changed, but it is the same event.
  await post([original], 'win.security');
  await post([{ ...original, fb_time: '2026-11-21T09:30:00.0Z', Message: '', UserID: 'S-1-5-18', TimeCreated: '2026-11-21 09:14:01 +0000' }], 'win.security');
  const events = stored((e) => e.source.record_id === 990001);
  assert.equal(events.length, 2, JSON.stringify(events.map((e) => [(e as { id?: string }).id, e.message, (e as { time?: string }).time])));
  assert.deepEqual(events.map((e) => e.message).sort(), ['An account failed to log on. (svc-backup)', String(original.Message)].sort());
});

test('a Windows record with an empty Channel (ETW-based log) is stored, not dead-lettered', async () => {
  const before = t.service.store.deadLetters(1000).length;
  const etw = { ...windowsSample()[0]!, Channel: '', EventRecordID: 7, Computer: 'ETW01', ProviderName: 'Microsoft-Windows-Kernel-Process', EventID: 1, Message: 'Process started' };
  await post([etw], 'win.etw');
  const events = stored((e) => e.host === 'etw01');
  assert.equal(events.length, 1);
  assert.equal(events[0]!.source.kind, 'windows');
  assert.equal(events[0]!.source.channel, undefined, 'no empty channel in the event');
  assert.equal(t.service.store.deadLetters(1000).length, before);
  // The winlog shape too.
  const ev = ingestOne({ RecordNumber: 3, EventID: 1, Channel: '', ComputerName: 'ETW01', TimeGenerated: '2026-11-21 10:00:00 +0000', SourceName: 'x', Message: 'm' }, undefined, cfg());
  assert.equal(ev.source.record_id, 3);
});
