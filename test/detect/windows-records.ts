/**
 * Windows events built as the agent sends them: winevtlog records (Fluent Bit v5.1, event_data_as_map
 * and string_inserts on, as in test/fixtures/windows-eventlog-samples and the SigmaHQ regression
 * samples) plus the agent's hostname/source_kind, checked against the record schema, then
 * classified and normalized by the service's own code, exactly as ingest does.
 */
import assert from 'node:assert/strict';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRecord, recordSchemaFile } from '../../alert-service/src/normalize/index.js';
import { describeErrors, validatorFor } from '../../alert-service/src/schema/registry.js';
import { config, T0 } from './helpers.js';

type Scalar = string | number | boolean | null;

export interface WinRecordSpec {
  /** seconds after 2026-11-21T10:00:00Z */
  t: number;
  channel: string;
  eventId: number;
  provider: string;
  /** EventData map; omitted for classic providers without a manifest template (MSSQL). */
  data?: Record<string, Scalar>;
  /** StringInserts; defaults to the EventData values in order. */
  inserts?: Scalar[];
  computer?: string;
  keywords?: string;
  level?: number;
  version?: number;
  qualifiers?: number | '';
  message?: string;
  userId?: string;
}

const PROVIDER_GUIDS: Record<string, string> = {
  'Microsoft-Windows-Security-Auditing': '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  'Service Control Manager': '{555908D1-A6D7-4695-8E1E-26931D2012F4}',
  'Microsoft-Windows-Windows Defender': '{11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78}',
  'Microsoft-Windows-Sysmon': '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
};

/** Keywords as the channel writes them: audit success/failure on Security, "Classic" on System/Application. */
export const AUDIT_SUCCESS = '0x8020000000000000';
export const AUDIT_FAILURE = '0x8010000000000000';

let recordId = 500_000;

function timeCreated(t: number): string {
  return new Date(T0 + t * 1000).toISOString().slice(0, 19).replace('T', ' ') + ' +0000';
}

/** One record in the agent's shape, fields in pack.c's order. */
export function winRecord(s: WinRecordSpec): Record<string, unknown> {
  const computer = s.computer ?? 'DC01.corp.example.com';
  const rec: Record<string, unknown> = {
    fb_time: new Date(T0 + s.t * 1000 + 800).toISOString(),
    ProviderName: s.provider,
    ProviderGuid: PROVIDER_GUIDS[s.provider] ?? '',
    Qualifiers: s.qualifiers ?? '',
    EventID: s.eventId,
    Version: s.version ?? 0,
    Level: s.level ?? (s.channel === 'Security' ? 0 : 4),
    Task: 0,
    Opcode: 0,
    Keywords: s.keywords ?? (s.channel === 'Security' ? AUDIT_SUCCESS : '0x8000000000000000'),
    TimeCreated: timeCreated(s.t),
    EventRecordID: recordId++,
    ActivityID: '',
    RelatedActivityID: '',
    ProcessID: 748,
    ThreadID: 2212,
    Channel: s.channel,
    Computer: computer,
    UserID: s.userId ?? '',
    Message: s.message ?? '',
  };
  if (s.data) rec.EventData = s.data;
  rec.StringInserts = s.inserts ?? Object.values(s.data ?? {});
  rec.hostname = computer.split('.')[0]!.toUpperCase();
  rec.source_kind = 'windows';
  return rec;
}

const validateWin = validatorFor(recordSchemaFile('winevtlog'));

/** Records → events through schema validation, classification and the normalizer, as ingest does. */
export function ingestWin(records: Array<Record<string, unknown>>, tag = 'win.eventlog'): LogEvent[] {
  return records.map((rec) => {
    assert.equal(classifyRecord(rec), 'winevtlog');
    assert.ok(validateWin(rec), describeErrors(validateWin.errors));
    return normalizeRecord(rec, 'winevtlog', { tag, collectedAt: new Date(String(rec.fb_time)), receivedAt: new Date(T0 + 86_400_000) }, config.normalize);
  });
}

/** winRecord + ingestWin for one spec list. */
export function winEvents(specs: WinRecordSpec[], tag?: string): LogEvent[] {
  return ingestWin(specs.map(winRecord), tag);
}
