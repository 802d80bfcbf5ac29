/* Generated from schemas/ by alert-service/scripts/gen-types.ts. Do not edit: change the schema and run `npm run gen:types`. */

/**
 * Alert levels, as Sigma's `level`.
 */
export type AlertSeverity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
/**
 * What kind of log an event came from. Decides which line parser applies.
 */
export type SourceKind = 'auth' | 'syslog' | 'web_access' | 'web_error' | 'app' | 'windows';
/**
 * One severity scale for every source: the syslog (RFC 5424) keywords. HTTP 5xx is error, 4xx warning; Windows audit failures are warning.
 */
export type Severity = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug';
/**
 * Alert levels, as Sigma's `level`.
 */
export type AlertSeverity1 = 'informational' | 'low' | 'medium' | 'high' | 'critical';
/**
 * Alert levels, as Sigma's `level`.
 */
export type AlertSeverity2 = 'informational' | 'low' | 'medium' | 'high' | 'critical';
/**
 * Alert levels, as Sigma's `level`.
 */
export type AlertSeverity3 = 'informational' | 'low' | 'medium' | 'high' | 'critical';
/**
 * Alert levels, as Sigma's `level`.
 */
export type AlertSeverity4 = 'informational' | 'low' | 'medium' | 'high' | 'critical';
/**
 * A structured application log line already decoded into fields by a Fluent Bit json parser (pino, bunyan, winston, zap, logrus, python-json-logger style). It needs at least a message. Fields a client or log writer chooses are bounded only loosely (2 MiB, like tail-raw's `log`) and truncated by the service: a tighter limit would let an attacker turn their own request or log line into a dead letter that detection never sees.
 */
export type AppJsonRecord = {
  [k: string]: unknown;
} & {
  time?: string | number;
  timestamp?: string | number;
  '@timestamp'?: string | number;
  ts?: string | number;
  level?: string | number;
  severity?: string | number;
  msg?: string;
  message?: string;
  event?: string;
  file?: string;
  offset?: number;
  inode?: number;
  hostname?: string;
  source_kind?: SourceKind;
  [k: string]: unknown;
};
/**
 * What kind of log an event came from. Decides which line parser applies.
 */
export type SourceKind1 = 'auth' | 'syslog' | 'web_access' | 'web_error' | 'app' | 'windows';
/**
 * A line that a Fluent Bit regex parser already split: syslog-style (ident, message) or web access (remote, code; the stock apache2 parser names the client host and has method, code). Regex captures are always strings; empty groups are left out. Fields a client or log writer chooses are bounded only loosely (2 MiB, like tail-raw's `log`) and truncated by the service: a tighter limit would let an attacker turn their own request or log line into a dead letter that detection never sees.
 */
export type TailParsedRecord = {
  [k: string]: unknown;
} & {
  time?: string;
  host?: string;
  ident?: string;
  pid?: string | number;
  message?: string;
  remote?: string;
  user?: string;
  method?: string;
  path?: string;
  code?: string | number;
  size?: string | number;
  referer?: string;
  agent?: string;
  file?: string;
  offset?: number;
  inode?: number;
  hostname?: string;
  source_kind?: SourceKind;
  [k: string]: unknown;
};
/**
 * What kind of log an event came from. Decides which line parser applies.
 */
export type SourceKind2 = 'auth' | 'syslog' | 'web_access' | 'web_error' | 'app' | 'windows';

export interface AllSchemas {
  'alert-ack-request.schema.json'?: AlertAckRequest;
  'alert-record.schema.json'?: AlertRecord;
  'alert-severity.schema.json'?: AlertSeverity;
  'alert.schema.json'?: AlertSignal;
  'config.schema.json'?: LogwardConfig;
  'config/alerting.schema.json'?: AlertingConfig;
  'config/anomaly.schema.json'?: AnomalyConfig;
  'config/ingest.schema.json'?: IngestConfig;
  'config/llm.schema.json'?: LlmConfig;
  'config/normalize.schema.json'?: NormalizeConfig;
  'config/rules.schema.json'?: RulesConfig;
  'config/server.schema.json'?: ServerConfig;
  'config/storage.schema.json'?: StorageConfig;
  'event-fields.schema.json'?: EventFields;
  'event.schema.json'?: LogEvent;
  'ip-enrichment.schema.json'?: IpEnrichment;
  'llm-investigation.schema.json'?: LlmInvestigationReport;
  'llm-review.schema.json'?: LlmReview;
  'llm-summary-record.schema.json'?: LlmSummaryRecord;
  'llm-summary.schema.json'?: LlmSummary;
  'outbox-item.schema.json'?: OutboxItem;
  'records/app-json.schema.json'?: AppJsonRecord;
  'records/journald.schema.json'?: JournaldRecord;
  'records/tail-parsed.schema.json'?: TailParsedRecord;
  'records/tail-raw.schema.json'?: TailRawRecord;
  'records/winevtlog.schema.json'?: WinEvtLogRecord;
  'records/winlog.schema.json'?: WinLogRecord;
  'rule-override.schema.json'?: RuleOverride;
  'rule-runtime-override.schema.json'?: RuleRuntimeOverride;
  'rule-test-request.schema.json'?: RuleTestRequest;
  'severity.schema.json'?: Severity;
  'silence-matcher.schema.json'?: SilenceMatcher;
  'silence-request.schema.json'?: SilenceRequest;
  'silence.schema.json'?: Silence;
  'source-kind.schema.json'?: SourceKind;
}
/**
 * Body of POST /api/alerts/:id/ack. An acknowledged alert gets no reminders; its resolution is still notified.
 */
export interface AlertAckRequest {
  by: string;
  comment?: string;
}
/**
 * One stored alert: every signal with the same fingerprint (rule_id + group) updates it. Returned by GET /api/alerts and /api/alerts/:id.
 */
export interface AlertRecord {
  id: number;
  /**
   * sha256 of rule_id and the group sorted by key
   */
  fingerprint: string;
  rule_id: string;
  title: string;
  severity: AlertSeverity;
  source: 'rule' | 'sigma' | 'anomaly' | 'llm';
  host: string;
  group: {
    [k: string]: string;
  };
  labels: {
    [k: string]: string;
  };
  tags: string[];
  /**
   * silenced: an active silence matches (still stored, not notified); acknowledged: no reminders until it resolves
   */
  state: 'firing' | 'silenced' | 'acknowledged' | 'resolved';
  /**
   * Event time of the first matching event
   */
  first_seen: string;
  /**
   * Event time of the latest matching event
   */
  last_seen: string;
  /**
   * Matching events over all signals
   */
  count: number;
  summary: string;
  fields: {};
  event_ids: string[];
  /**
   * Most recent raw lines, attacker-controlled
   */
  samples: string[];
  /**
   * Service time the record was created
   */
  created_at: string;
  /**
   * Service time of the latest signal (resolution counts from here)
   */
  updated_at: string;
  resolved_at?: string | null;
  acknowledged_at?: string | null;
  acknowledged_by?: string | null;
  ack_comment?: string | null;
  /**
   * Ids of the active silences that match
   */
  silenced_by?: number[];
  last_notified_at?: string | null;
  /**
   * Link to the alert in the dashboard
   */
  url: string;
  /**
   * Source IPs found in group, labels and fields
   */
  enrichment?: IpEnrichment[];
  /**
   * Delivery log of this alert (GET /api/alerts/:id only)
   */
  notifications?: OutboxItem[];
  /**
   * The stored events of event_ids (the latest 50 of them still stored), newest first (GET /api/alerts/:id only)
   */
  evidence?: LogEvent[];
  /**
   * The LLM summary of this alert, null when there is none yet (GET /api/alerts/:id only, when the LLM module runs)
   */
  llm_summary?: LlmSummaryRecord | null;
}
/**
 * What is known about one IP address from local data: its address class (private and reserved ranges labelled) and, for public addresses, country, city and ASN.
 */
export interface IpEnrichment {
  ip: string;
  /**
   * Where the address was found (e.g. group.src_ip)
   */
  key?: string;
  scope:
    | 'public'
    | 'private'
    | 'loopback'
    | 'link-local'
    | 'cgnat'
    | 'documentation'
    | 'unique-local'
    | 'multicast'
    | 'unspecified'
    | 'reserved';
  /**
   * e.g. 'private (RFC 1918)'
   */
  scope_label?: string;
  /**
   * ISO 3166-1 alpha-2
   */
  country?: string;
  city?: string;
  asn?: number;
  as_org?: string;
}
/**
 * One queued notification for one channel (GET /api/outbox). The rendered message itself is not returned.
 */
export interface OutboxItem {
  id: number;
  channel: 'email' | 'slack' | 'forward' | 'webhook';
  kind: 'alerts' | 'held_back' | 'digest' | 'follow_up';
  status: 'pending' | 'sending' | 'sent' | 'failed';
  /**
   * Attempts made while the channel was up (probes of a channel that is down are not counted).
   */
  attempts: number;
  /**
   * Sends that may have reached the receiver (timed out, interrupted, or delivered): at most outbox.max_copies.
   */
  sends?: number;
  next_attempt_at: string;
  last_error?: string | null;
  created_at: string;
  sent_at?: string | null;
  alert_ids: number[];
}
/**
 * The one normalized event shape every source is turned into. Detection, anomaly features and alerts read only this.
 */
export interface LogEvent {
  /**
   * Idempotency key derived from what identifies the record at its origin (host+file+inode+offset+line, channel+EventRecordID+computer+content, or the journal entry), so a replayed chunk maps onto the same ids.
   */
  id: string;
  /**
   * When the event happened (from the line or TimeCreated), UTC, falling back to collection time when the line has no timestamp.
   */
  time: string;
  /**
   * Where `time` came from, so a consumer can tell an event timestamp from a fallback.
   */
  time_source?: 'line' | 'collector' | 'received';
  /**
   * The UTC offset the record's own timestamp was written with, in minutes (+05:30 → 330), when it carried a numeric one; absent for 'Z', for wall-clock times without an offset and for fallback times. `time` is UTC either way; this only tells a consumer the host's local time (anomaly slots).
   */
  time_offset_minutes?: number;
  received_at: string;
  /**
   * The host the event is about: the syslog header host or Windows Computer when present, else the collecting agent's hostname.
   */
  host: string;
  /**
   * The host whose Fluent Bit sent the record (record_modifier hostname).
   */
  agent_host?: string;
  source: {
    kind: SourceKind;
    tag?: string;
    path?: string;
    offset?: number;
    channel?: string;
    record_id?: number;
    /**
     * Set when the record was read from the systemd journal (kind is then auth or syslog by facility and program); files have path/offset, Windows events channel/record_id
     */
    origin?: 'journald';
    /**
     * journald: the systemd unit that wrote the entry (_SYSTEMD_UNIT)
     */
    unit?: string;
  };
  /**
   * syslog ident / Windows provider / web server name
   */
  program?: string;
  pid?: number;
  severity: Severity;
  message: string;
  fields: EventFields;
}
/**
 * Fields extracted from an event. Named keys have fixed meanings across sources; anything else a source carries (JSON log keys) is kept under `extra`.
 */
export interface EventFields {
  /**
   * Client / remote address, IPv4 or IPv6, canonical text form
   */
  src_ip?: string;
  src_port?: number;
  /**
   * The account acted upon or attempted (target user)
   */
  user?: string;
  /**
   * The account that acted (sudo invoker, Windows subject)
   */
  actor?: string;
  http_method?: string;
  http_path?: string;
  http_status?: number;
  http_bytes?: number;
  http_referer?: string;
  user_agent?: string;
  /**
   * Windows EventID
   */
  event_id?: number;
  provider?: string;
  /**
   * Windows Security audit outcome from Keywords / EventType
   */
  audit?: 'success' | 'failure';
  logon_type?: number;
  /**
   * Windows EventData as a name → value map
   */
  event_data?: {
    [k: string]: string | number | boolean | null;
  };
  /**
   * Remaining structured fields of JSON application logs
   */
  extra?: {};
}
/**
 * The summary state of one alert, as GET /api/llm/summaries/:alertId returns it
 */
export interface LlmSummaryRecord {
  alert_id: number;
  /**
   * dropped: the queue was full and this alert's severity was the lowest waiting
   */
  status: 'queued' | 'ok' | 'failed' | 'dropped';
  model: string;
  summary?: LlmSummary;
  /**
   * Why there is no summary (timeout, unreachable, schema-invalid answer, ...)
   */
  error?: string;
  duration_ms?: number;
  /**
   * Evidence lines left out of the prompt by the context budget
   */
  prompt_dropped_lines?: number;
  updated_at: string;
}
/**
 * What the model must answer for an incident summary (sent to Ollama as the structured-output `format`, and validated on return). Untrusted text: escaped wherever it is rendered.
 */
export interface LlmSummary {
  /**
   * What happened, in plain language
   */
  summary: string;
  /**
   * The model's opinion only; the alert's severity never changes
   */
  assessed_severity: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  /**
   * What to check or do next
   *
   * @maxItems 6
   */
  next_steps:
    | []
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string];
}
/**
 * What a detector (rule, Sigma rule, anomaly detector, LLM review) emits when it fires. The alerting stage turns signals with the same fingerprint into one alert record.
 */
export interface AlertSignal {
  rule_id: string;
  title: string;
  severity: AlertSeverity;
  source: 'rule' | 'sigma' | 'anomaly' | 'llm';
  host: string;
  /**
   * The group-by values that make this alert distinct (e.g. {src_ip: ...}); with rule_id they form the fingerprint.
   */
  group: {
    [k: string]: string;
  };
  labels?: {
    [k: string]: string;
  };
  /**
   * @maxItems 50
   */
  tags?: string[];
  first_seen: string;
  last_seen: string;
  count: number;
  summary: string;
  /**
   * Key extracted values (users tried, paths, event ids)
   */
  fields?: {};
  /**
   * @maxItems 100
   */
  event_ids?: string[];
  /**
   * Raw sample messages, attacker-controlled
   *
   * @maxItems 20
   */
  samples?:
    | []
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string, string, string, string]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ];
}
/**
 * Service configuration. Every key has a default, so an empty file is a valid config. Environment variables LOGWARD_<SECTION>_<KEY> override the file.
 */
export interface LogwardConfig {
  server: ServerConfig;
  ingest: IngestConfig;
  storage: StorageConfig;
  normalize: NormalizeConfig;
  rules: RulesConfig;
  anomaly: AnomalyConfig;
  alerting: AlertingConfig;
  llm: LlmConfig;
}
export interface ServerConfig {
  /**
   * Listen address. 0.0.0.0 in the container.
   */
  host: string;
  port: number;
  /**
   * Must exceed Fluent Bit's net.keepalive_idle_timeout (30 s) so the agent never reuses a connection the server already closed.
   */
  keep_alive_timeout_s: number;
  /**
   * Least severe entry the service logs. debug adds the routine requests (ingest chunks, health probes, scrapes) to the request log.
   */
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * json: one pino JSON object a line on stderr. text: short lines for a person. auto: text when stderr is a terminal, else json.
   */
  log_format: 'auto' | 'json' | 'text';
  /**
   * Base URL used in links inside notifications
   */
  public_url: string;
  /**
   * Bearer token for the whole REST API (read and write) and /metrics. Same as api_write_token; kept for existing configs. Unset with no other API token: the API answers only loopback clients that reach it directly (no proxy headers) under a loopback Host name.
   */
  api_token?: string;
  /**
   * Bearer token for every API request, state-changing ones included (acknowledge, silence, train, investigate).
   */
  api_write_token?: string;
  /**
   * Bearer token for reading only: GET/HEAD on /api and /metrics. Give it to dashboards and scrapers.
   */
  api_read_token?: string;
}
export interface IngestConfig {
  /**
   * Accepted Bearer tokens for POST /v1/ingest (several, to rotate; at least 12 characters, generate them with `openssl rand -hex 32`). Empty: ingest is open, allowed only when listening on loopback.
   */
  tokens: string[];
  /**
   * Largest request body as sent (compressed). Fluent Bit chunks are ~256 KB, at most ~2 MB of msgpack (~3 MB of JSON before gzip); 16 MiB leaves ample room.
   */
  max_body_bytes: number;
  /**
   * Largest body after gunzip, counted while decompressing: a gzip bomb stops here with 413. 16 MiB is five times the JSON of Fluent Bit's largest chunk and bounds the memory one chunk can take.
   */
  max_decoded_bytes: number;
  /**
   * Most records in one body, counted while parsing (413 past it). Fluent Bit's largest chunk of short lines holds ~25,000.
   */
  max_records: number;
  /**
   * Deepest JSON nesting accepted in a body
   */
  max_depth: number;
  /**
   * Decoded bytes of the chunks being decoded or stored at once, across all requests (estimated from the gzip trailer, then the real size). A chunk that does not fit waits in the admission queue; one alone is always admitted, so a chunk at max_decoded_bytes still goes through.
   */
  max_inflight_decoded_bytes: number;
  /**
   * Records of the chunks being decoded or stored at once (estimated before decoding, then the real count). With max_inflight_decoded_bytes it bounds the memory ingest uses whatever mix of chunks arrives; 20,000 is about a second of work, enough to keep the decode worker and the store busy, while more would only lengthen every answer.
   */
  max_inflight_records: number;
  /**
   * Longest a received chunk waits for admission before 503 + Retry-After; also refused at once when the queue ahead would take longer. Well under Fluent Bit's 60 s http.response_timeout, so a held chunk is answered before the agent gives up and resends it.
   */
  max_queue_wait_s: number;
  /**
   * Request bodies (as sent, compressed) held in memory at once: being received, or received and waiting for admission. Past it a request gets 503 + Retry-After.
   */
  max_queued_body_bytes: number;
  /**
   * Received chunks waiting for admission at once; past it 503 + Retry-After.
   */
  max_queued_requests: number;
  /**
   * Time a client has to send a request's headers once it starts one (Node's server.headersTimeout); then 408 and the connection is closed.
   */
  headers_timeout_s: number;
  /**
   * Time a client has to send a whole request (Node's server.requestTimeout) and an ingest body once its headers arrived; then 408 and the connection is closed (Fluent Bit retries 408). A body is read before it takes any admission room, so a slow client only holds its own connection.
   */
  body_timeout_s: number;
  /**
   * Average receive rate an ingest body must keep after its first 2 s; a slower one (a stalled or trickling client) gets 408 and its connection closed. 0 turns the check off (body_timeout_s still applies).
   */
  min_body_rate_bytes_per_s: number;
  /**
   * Stored events not yet through detection; beyond this ingest answers 503 so the agent buffers on its disk instead of us in memory.
   */
  max_backlog: number;
  /**
   * Keys Fluent Bit may have written its collection timestamp under (json_date_key). Removed from the record and used as collection time.
   */
  date_keys: string[];
  tag_header: string;
  /**
   * Invalid records kept per chunk for diagnosis; the rest are counted in metrics and summarized in one row.
   */
  max_dead_letters_per_chunk: number;
  /**
   * Worker threads that gunzip, parse and normalize chunks while the main thread stores; 0 decodes on the main thread.
   */
  decode_workers: number;
}
export interface StorageConfig {
  /**
   * SQLite file; ':memory:' for throwaway runs
   */
  path: string;
  retention_days: number;
  dead_letter_retention_days: number;
  /**
   * Most dead letters kept; the oldest go first when retention prunes.
   */
  max_dead_letters: number;
  /**
   * FULL: a 2xx to Fluent Bit means the batch survives power loss (ingest commits are fsynced; internal bookkeeping commits are not, and are replayed if a power loss drops them). NORMAL: everything survives a crash of the service, not of the machine.
   */
  synchronous: 'FULL' | 'NORMAL';
}
/**
 * How incoming records become LogEvents: time zones for timestamps without a zone, host naming, and bounds on what is stored per event.
 */
export interface NormalizeConfig {
  /**
   * Zone for timestamps that carry none (RFC 3164 syslog, nginx/apache error log, python logging, ISO strings without offset): an IANA name (Europe/Berlin), UTC, or a fixed offset like +01:00
   */
  timezone: string;
  /**
   * Per-host override of `timezone`, keyed by host name as events show it (matched case-insensitively; the short name also matches)
   */
  host_timezones?: {
    [k: string]: string;
  };
  /**
   * Messages longer than this are cut (the event keeps the first max_message_chars characters)
   */
  max_message_chars: number;
  /**
   * How host names are written into events: 'short' = lower-case first DNS label (FS01.corp.example.com → fs01), 'full' = lower-case as sent. IP literals are kept whole either way.
   */
  host_form?: 'short' | 'full';
  /**
   * RFC 3164 timestamps have no year: the year chosen is the latest one that does not put the line more than this far after the collection time (so a December line read in January is last year's). Also the most any line time may lie after the collection time: a later one is not believed and the collector time is used.
   */
  syslog_future_tolerance_hours?: number;
  /**
   * Most keys of a JSON application log kept under fields.extra (the rest are dropped)
   */
  max_extra_keys?: number;
  /**
   * Budget in JSON characters for fields.extra; a value that does not fit is replaced by a truncated string
   */
  max_extra_chars?: number;
}
/**
 * Detection rules: where rule modules and Sigma rules live, per-rule overrides, and the bounds on window state. Windows, lateness and quiet periods are measured in event time.
 */
export interface RulesConfig {
  /**
   * Run the rule engine at all.
   */
  enabled: boolean;
  /**
   * Directory of rule modules (*.ts / *.js, one rule each). Relative paths are resolved against the project root.
   */
  dir: string;
  /**
   * Directory of Sigma rules (*.yml / *.yaml, several YAML documents per file allowed). Empty string: no Sigma rules.
   */
  sigma_dir: string;
  /**
   * Community rule sets to load as they are, e.g. a SigmaHQ checkout: every *.yml below each directory (recursively, hidden directories skipped), filtered by sigma_status and sigma_min_level. Rules using what Logward cannot run are skipped and counted by reason at start-up, in `logward rules` and in GET /api/rules.
   */
  sigma_dirs: string[];
  /**
   * Rule statuses loaded from sigma_dirs (SigmaHQ: stable and test are reviewed; experimental rules are new and noisier).
   */
  sigma_status: ('stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported')[];
  /**
   * Lowest rule level loaded from sigma_dirs; the level becomes the alert severity. SigmaHQ's informational and low rules are meant for hunting and correlation, not for alerts.
   */
  sigma_min_level: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  /**
   * Rule ids (built-in or Sigma id/name) that are loaded and validated but not run.
   */
  disabled: string[];
  /**
   * Per-rule settings keyed by rule id, applied over the rule's own definition without editing code.
   */
  overrides: {
    [k: string]: RuleOverride;
  };
  /**
   * Most open groups (e.g. distinct source IPs) one rule keeps; the least recently seen group is evicted beyond it and counted in detect_groups_evicted_total.
   */
  max_groups_per_rule: number;
  /**
   * Most window entries one group keeps; older entries are dropped beyond it (counted in detect_entries_truncated_total). Must be at least the largest threshold to fire.
   */
  max_events_per_group: number;
  /**
   * How far behind the newest event of its group an event may arrive and still be placed in its window (sorted insertion); older ones are counted in detect_late_dropped_total and ignored.
   */
  allowed_lateness_s: number;
  /**
   * After a group fires, further matches of that group are suppressed for this long (event time) unless the rule sets its own quiet period.
   */
  default_quiet_s: number;
  /**
   * On start, load the window state (open windows, quiet periods, sequence steps) saved with the detection cursor, so windows survive a restart. false: windows start empty.
   */
  warmup: boolean;
  /**
   * Unused since window state is saved with the detection cursor (nothing is replayed at start-up); kept so existing configs stay valid.
   */
  warmup_max_events: number;
  /**
   * Raw sample messages attached to each alert signal.
   */
  samples_per_alert: number;
}
/**
 * Settings that replace a rule's own definition for one deployment (config `rules.overrides.<rule id>`).
 */
export interface RuleOverride {
  /**
   * false turns the rule off (same as listing it in rules.disabled).
   */
  enabled?: boolean;
  /**
   * Events (count), distinct values (distinct) or failures before the final step (sequence) needed to fire.
   */
  threshold?: number;
  /**
   * Sliding window length in seconds of event time.
   */
  window_s?: number;
  /**
   * Quiet period per group after the rule fires, in seconds of event time.
   */
  quiet_s?: number;
  /**
   * Fields the rule counts separately (e.g. [src_ip] or [host, user]).
   */
  group_by?: string[];
  severity?: AlertSeverity;
  /**
   * Rule-specific settings the rule declares with their defaults (e.g. ssh-brute-force: { mode: aggressive }); an unknown key or a value of another type stops start-up.
   */
  settings?: {
    [k: string]: string | number | boolean;
  };
}
/**
 * Hourly anomaly detection: per (host, source) hourly feature buckets scored by an Isolation Forest plus a per-feature robust z-score baseline, and error-template mining.
 */
export interface AnomalyConfig {
  /**
   * Run hourly bucketing, template mining and anomaly scoring.
   */
  enabled: boolean;
  /**
   * Isolation Forest implementation: 'faithful' (built in, seeded, sub-sampled, scikit-learn semantics) or the 'ml-isolation-forest' npm package (unseeded, no sub-sampling; kept for comparison).
   */
  detector: 'faithful' | 'ml-isolation-forest';
  /**
   * Number of isolation trees (scikit-learn n_estimators).
   */
  n_estimators: number;
  /**
   * Rows sub-sampled (without replacement) per tree; the effective value is min(max_samples, n) as in scikit-learn.
   */
  max_samples: number;
  /**
   * Expected share of anomalous hours in the training window: the score threshold is the (1 - contamination) percentile of training scores. Ignored when score_threshold is set.
   */
  contamination: number;
  /**
   * Explicit Isolation Forest score threshold s(x,n) in (0,1) (the seeds' alert_threshold); an hour is anomalous when its score is above it. null = derive from contamination.
   */
  score_threshold: number | null;
  /**
   * Seed of the forest's PRNG: same data and seed give the same model and scores.
   */
  random_state: number;
  /**
   * Days of stored hourly history a training run reads (POST /anomaly/train may override).
   */
  training_days: number;
  /**
   * Distinct closed hours of history required before a model is trained.
   */
  min_training_hours: number;
  /**
   * Retrain automatically when the model is older than this; 0 disables scheduled training (first training still happens once enough history exists).
   */
  retrain_interval_hours: number;
  /**
   * An hour bucket closes this long after the hour ends (by the clock), so late events still count; events for an already closed hour are dropped and counted.
   */
  grace_period_minutes: number;
  /**
   * A single feature whose robust z-score (median/MAD with a MAD floor) reaches this flags the hour even when the forest does not (spikes in features that never varied).
   */
  z_threshold: number;
  /**
   * Features with |z| at least this are named in explanations; a forest-flagged hour needs at least one such feature to alert.
   */
  explain_z: number;
  /**
   * Cap on distinct (host, source) series; events of further series are counted under host '(other)' and their source kind (without the Windows channel, which comes from the log).
   */
  max_series: number;
  /**
   * A series seen within this many hours gets an all-zero summary for an hour without events (so silence is visible), for hours the service was running.
   */
  silence_window_hours: number;
  /**
   * Cap on mined error templates; lines matching no template after the cap are counted under an overflow template.
   */
  max_templates: number;
  /**
   * Drain similarity threshold: share of equal non-wildcard tokens for a line to join a template.
   */
  template_similarity: number;
  /**
   * Drain parse-tree depth (root, token count, depth-2 leading-token levels).
   */
  template_depth: number;
  /**
   * Messages are cut to this many characters before template mining.
   */
  max_message_length: number;
  /**
   * Hourly summaries and template counts older than this are deleted.
   */
  retention_days: number;
  /**
   * Events timed further than this in the future (by the clock) are dropped and counted instead of opening future buckets.
   */
  max_clock_skew_minutes: number;
  /**
   * Time zone of the hour-of-day and weekday slots the baselines are kept by (a host's daily rhythm is in local time). Empty (default) or 'host': each host's own UTC offset, the one its records last carried (RFC 3339/RFC 5424/ISO timestamps with a numeric offset; 'Z' does not count), else the service's zone (TZ or the system's). An IANA name: that zone for every host. Stored with each model (per series for host offsets), which keeps scoring in the slots it was trained in.
   */
  time_zone: string;
}
/**
 * Alert lifecycle (fingerprint, grouping, repeat, resolution, silences) and delivery (email, Slack, Fluent forward, daily digest). Timings follow Prometheus Alertmanager: group_wait, group_interval, repeat_interval.
 */
export interface AlertingConfig {
  /**
   * Turn alert storage and notification on or off.
   */
  enabled: boolean;
  /**
   * How often group timers, resolutions, digest schedule and outbox retries are checked.
   */
  tick_interval_ms: number;
  /**
   * Raw sample lines kept per alert record (most recent).
   */
  max_samples: number;
  /**
   * Event ids kept per alert record (most recent).
   */
  max_event_ids: number;
  /**
   * Bound on unresolved alert records. Past it, signals with a new fingerprint are folded into one overflow alert per rule (group {_overflow: 'true'}) instead of new records.
   */
  max_active_alerts: number;
  /**
   * Resolved alerts, sent/failed outbox rows and digest runs older than this are deleted.
   */
  retention_days: number;
  /**
   * Alerts listed in one notification; the rest are counted.
   */
  max_alerts_per_message: number;
  /**
   * Notification policy used when no entry of `policies` matches, and the fallback for every key a matching policy leaves out.
   */
  default_policy: {
    /**
     * Wait after the first alert of a rule's storm group before notifying, to batch alerts that arrive together. A new fingerprint outside a storm waits first_notify.delay_s instead.
     */
    group_wait_s: number;
    /**
     * Minimum time between two notifications of one group (an alert's own group, or a rule's storm group) when alerts are added or resolved.
     */
    group_interval_s: number;
    /**
     * Resend a reminder for alerts still firing (and not acknowledged) only after this long.
     */
    repeat_interval_s: number;
    /**
     * An alert with no new signal for this long resolves; its resolution is notified once.
     */
    resolve_after_s: number;
    /**
     * Channels that receive these alerts (each must also be enabled).
     */
    channels: ('email' | 'slack' | 'forward' | 'webhook')[];
  };
  /**
   * Per rule / severity / source overrides; the first entry whose match fits wins, missing keys come from default_policy. The default sends new critical alerts at once.
   */
  policies: Policy[];
  /**
   * How fast a new alert (a new fingerprint: rule + group values, e.g. a new source IP) is first notified, and when a rule's alerts are batched as a storm instead. A new fingerprint gets a group of its own, notified after delay_s[severity] (not group_wait). Once storm_threshold new fingerprints of one rule (and policy) were notified on their own within storm_window_s, further new fingerprints join the rule's storm group, which follows group_wait / group_interval (Alertmanager grouping) for as long as it has open alerts. storm_threshold 0: every alert goes to the rule's group (plain Alertmanager behaviour).
   */
  first_notify: {
    /**
     * First-notification delay of a new fingerprint, per severity (seconds). Short, so that a few signals of one attack arriving together still make one message.
     */
    delay_s: {
      critical: number;
      high: number;
      medium: number;
      low: number;
      informational: number;
    };
    /**
     * New fingerprints of one rule notified on their own within storm_window_s before the rest are grouped as a storm.
     */
    storm_threshold: number;
    /**
     * Sliding window for storm_threshold.
     */
    storm_window_s: number;
  };
  channels: {
    /**
     * SMTP through nodemailer. Gmail: host smtp.gmail.com, port 465 + secure, or 587 + require_tls; auth with an app password or OAuth2.
     */
    email: {
      enabled: boolean;
      /**
       * SMTP server host.
       */
      host: string;
      port: number;
      /**
       * Implicit TLS from the first byte (port 465).
       */
      secure: boolean;
      /**
       * Require STARTTLS on a plain connection (port 587); refuse to send in clear text.
       */
      require_tls: boolean;
      /**
       * Verify the server certificate. Turn off only for a test server with a self-signed certificate.
       */
      tls_reject_unauthorized: boolean;
      /**
       * From address.
       */
      from: string;
      /**
       * Recipients (comma-separated in the environment).
       */
      to: string[];
      min_severity: AlertSeverity1;
      /**
       * Connection, greeting and socket timeout.
       */
      timeout_ms: number;
      /**
       * Token bucket: `burst` messages at once, refilled at `per_minute`. Alerts held back are summarized in the next message.
       */
      rate_limit: {
        burst: number;
        per_minute: number;
      };
      /**
       * SMTP authentication; leave user empty for none.
       */
      auth: {
        /**
         * login: user + pass (an app password for Gmail). oauth2: XOAUTH2 with client id/secret and refresh token.
         */
        type: 'login' | 'oauth2';
        user: string;
        /**
         * Secret: set it through LOGWARD_ALERTING_CHANNELS_EMAIL_AUTH_PASS. Never logged.
         */
        pass?: string;
        client_id?: string;
        /**
         * Secret (OAuth2).
         */
        client_secret?: string;
        /**
         * Secret (OAuth2).
         */
        refresh_token?: string;
        /**
         * Optional current OAuth2 access token.
         */
        access_token?: string;
      };
    };
    slack: {
      enabled: boolean;
      /**
       * Incoming webhook URL. Secret: set it through LOGWARD_ALERTING_CHANNELS_SLACK_WEBHOOK_URL. Never logged.
       */
      webhook_url?: string;
      min_severity: AlertSeverity2;
      /**
       * Answer timeout of one webhook request. Well above Slack's usual answer time (under a second, seconds when degraded): a request that times out may still have been posted, so each timeout can mean a copy (bounded by outbox.max_copies).
       */
      timeout_ms: number;
      /**
       * Token bucket: `burst` messages at once, refilled at `per_minute`. Alerts held back are summarized in the next message.
       */
      rate_limit: {
        burst: number;
        per_minute: number;
      };
    };
    /**
     * Fluent forward protocol output (Fluent Bit / Fluentd `forward` input): each alert as one structured record.
     */
    forward: {
      enabled: boolean;
      host: string;
      port: number;
      /**
       * Records are tagged <tag_prefix>.<tag>.
       */
      tag_prefix: string;
      tag: string;
      min_severity: AlertSeverity3;
      /**
       * Connect + acknowledgement timeout.
       */
      timeout_ms: number;
      /**
       * Token bucket: `burst` messages at once, refilled at `per_minute`. Alerts held back are summarized in the next message.
       */
      rate_limit: {
        burst: number;
        per_minute: number;
      };
    };
    /**
     * A generic HTTP webhook: each notification is one JSON POST (version, id, status, alerts) signed with HMAC-SHA256 over "<timestamp>.<body>" in X-Logward-Signature. The id stays the same across retries, so a receiver can drop copies.
     */
    webhook: {
      enabled: boolean;
      /**
       * Receiver URL (http or https). Treated as a secret, since such URLs often carry a token: set it through LOGWARD_ALERTING_CHANNELS_WEBHOOK_URL. Never logged.
       */
      url?: string;
      /**
       * HMAC-SHA256 key for X-Logward-Signature (at least 16 characters). Without it requests go unsigned. Secret: set it through LOGWARD_ALERTING_CHANNELS_WEBHOOK_SECRET. Never logged.
       */
      secret?: string;
      min_severity: AlertSeverity4;
      /**
       * Answer timeout of one request. A request that times out may have been received, so each timeout can mean a copy (bounded by outbox.max_copies; receivers drop copies by id).
       */
      timeout_ms: number;
      /**
       * Token bucket: `burst` messages at once, refilled at `per_minute`. Alerts held back are summarized in the next message.
       */
      rate_limit: {
        burst: number;
        per_minute: number;
      };
    };
  };
  outbox: {
    /**
     * Attempts of one message while its channel is up (the circuit breaker closed); probes of a channel that is down do not use them up. A message refused this often (e.g. 429 or 5xx answers to it while others go through) is marked failed.
     */
    max_attempts: number;
    /**
     * Sends of one message whose outcome is unknown (timed out, connection lost after the request was written, process killed mid-send) that may each have reached the receiver. Once this many went unanswered the message is marked failed instead of sent again: the receiver has at most this many copies.
     */
    max_copies: number;
    /**
     * Pause of a channel after a failed send; doubles with every consecutive failure (with jitter) up to probe_interval_max_ms.
     */
    backoff_initial_ms: number;
    /**
     * Longest pause between two attempts on a channel that keeps failing: an open circuit breaker probes (with the oldest queued message) this often, so a recovered channel starts draining its backlog within this time.
     */
    probe_interval_max_ms: number;
    /**
     * Consecutive failed sends after which a channel's circuit breaker opens (logged, metric logward_outbox_breaker_open).
     */
    breaker_failure_threshold: number;
    /**
     * Upper bound on a Retry-After (e.g. Slack 429) the channel honours.
     */
    backoff_max_ms: number;
    /**
     * Bound on queued messages per channel; past it alerts are held back and summarized in the next message.
     */
    max_pending_per_channel: number;
  };
  digest: {
    /**
     * Daily summary email (needs the email channel).
     */
    enabled: boolean;
    /**
     * Local hour at which the digest for the previous 24 hours is sent. Sent when that time passes while the service runs, or on a start within 15 minutes after it; never on a later start.
     */
    hour: number;
    /**
     * IANA time zone for `hour` and for the day shown.
     */
    timezone: string;
    /**
     * Digest recipients; empty: channels.email.to.
     */
    recipients: string[];
    top_ips: number;
    /**
     * Send the digest on a day without alerts too ("no alerts"): its arrival shows that detection and delivery work.
     */
    send_empty: boolean;
  };
  /**
   * Message templates ({{path}}, {{#each list}}…{{/each}}, {{#if path}}…{{else}}…{{/if}}); values are escaped for the target (HTML, Slack mrkdwn, plain text, header). Unset: built-in templates. `dir` may hold files named <channel>.<part>.tmpl (e.g. email.subject.tmpl) that override them.
   */
  templates: {
    /**
     * Directory with template files.
     */
    dir?: string;
    email_subject?: string;
    email_text?: string;
    email_html?: string;
    slack_title?: string;
    slack_body?: string;
  };
  geoip: {
    /**
     * Country, city (GeoLite2 City from @ip-location-db) and ASN (@ip-location-db/asn) for source IPs, from local files; never an online lookup.
     */
    enabled: boolean;
  };
}
export interface Policy {
  /**
   * Every listed key must match (any of its values).
   */
  match: {
    rule_id?: string[];
    severity?: AlertSeverity[];
    source?: ('rule' | 'sigma' | 'anomaly' | 'llm')[];
  };
  group_wait_s?: number;
  group_interval_s?: number;
  repeat_interval_s?: number;
  resolve_after_s?: number;
  channels?: ('email' | 'slack' | 'forward' | 'webhook')[];
}
/**
 * Incident summaries from a local Ollama model. Advisory only: alerts are recorded and sent whether or not a summary arrives, and the model can never change, silence or resolve them.
 */
export interface LlmConfig {
  /**
   * Off by default: the embedded defaults must not depend on a model server. Turn on once Ollama runs and the model is pulled.
   */
  enabled: boolean;
  /**
   * Ollama's base URL (the compose file's llm profile: http://ollama:11434)
   */
  host: string;
  /**
   * Any chat model that supports structured outputs; pull it first (`ollama pull llama3.1:8b`). ALIENTELLIGENCE/cybersecuritythreatanalysis also works.
   */
  model: string;
  /**
   * Whole request, first byte to last; the request is aborted (AbortController) when it fires. The ollama client has no timeout of its own.
   */
  request_timeout_s: number;
  /**
   * Alert severities that get a summary
   */
  summary_severities: AlertSeverity[];
  /**
   * Budget for the log data put in a prompt; what does not fit is dropped (least informative first) and the prompt says how much
   */
  context_chars: number;
  /**
   * Streaming is cut off past this many characters of output (a runaway answer)
   */
  max_output_chars: number;
  /**
   * Alerts waiting for a summary; when full the oldest lowest-severity one is dropped (counted, and its alert says so)
   */
  queue_max: number;
  /**
   * How often new alerts are looked for in the alert store
   */
  poll_interval_s: number;
  /**
   * How often /api/tags and /api/version are asked (reachable, model present)
   */
  health_interval_s: number;
  temperature: number;
  /**
   * Replaces the built-in instructions for summaries (the untrusted-data rules are always appended)
   */
  system_prompt?: string;
  /**
   * Periodic threat review: every this many seconds, each host's events stored since the last review are condensed and judged by the model. 0: off.
   */
  review_interval_s: number;
  /**
   * Most events read per review run (the rest wait for the next run, nothing is skipped)
   */
  review_max_events: number;
  /**
   * POST /api/alerts/:id/investigate: most tool calls the model may make
   */
  investigate_max_steps: number;
  /**
   * POST /api/alerts/:id/investigate: the whole investigation's deadline
   */
  investigate_timeout_s: number;
}
/**
 * The model's final report of an on-demand investigation (Ollama structured output; validated on return). Untrusted text.
 */
export interface LlmInvestigationReport {
  verdict: 'likely_malicious' | 'suspicious' | 'likely_benign' | 'inconclusive';
  summary: string;
  /**
   * @maxItems 10
   */
  findings:
    | []
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string];
  /**
   * @maxItems 8
   */
  recommendations:
    | []
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string];
}
/**
 * What the model must answer for a periodic threat review of one host's new events (Ollama structured output; validated on return). Evidence ids are checked against the events the model was shown.
 */
export interface LlmReview {
  suspicious: boolean;
  severity: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  /**
   * @maxItems 10
   */
  findings:
    | []
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ]
    | [
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        },
        {
          title: string;
          detail: string;
          /**
           * Event references (E1, E2, ...) as given in the prompt
           *
           * @maxItems 20
           */
          evidence:
            | []
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string, string, string, string]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ]
            | [
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string,
                string
              ];
        }
      ];
  /**
   * @maxItems 6
   */
  recommendations:
    | []
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string];
}
/**
 * A systemd journal entry as Fluent Bit's systemd input sends it (plugins/in_systemd/systemd.c, strip_underscores and lowercase off): every data field of the entry under its journal name, each value a string, a field repeated in one entry as an array of strings. The entry's realtime timestamp is the record timestamp (the out_http date key); __CURSOR and __REALTIME_TIMESTAMP are not data fields and Fluent Bit does not send them, other shippers (journalctl -o json) do. Fields clients choose (MESSAGE, SYSLOG_*, PRIORITY) are bounded only loosely, as in tail-raw: a tighter limit would let a local user turn their own line into a dead letter.
 */
export interface JournaldRecord {
  /**
   * The message; non-UTF-8 bytes arrive as U+FFFD (json.escape_unicode: off on the agent)
   */
  MESSAGE: string | string[] | number[];
  /**
   * syslog severity 0..7 as a string; another value is ignored (severity then comes from the content)
   */
  PRIORITY?: string | string[] | number[];
  /**
   * syslog facility number as a string (4 auth, 10 authpriv)
   */
  SYSLOG_FACILITY?: string | string[] | number[];
  /**
   * the program name the client gave (sshd, sudo)
   */
  SYSLOG_IDENTIFIER?: string | string[] | number[];
  SYSLOG_PID?: string | string[] | number[];
  /**
   * set by journald: the host's name
   */
  _HOSTNAME?: string;
  /**
   * set by journald: the logging process
   */
  _PID?: string;
  _UID?: string;
  _GID?: string;
  _COMM?: string;
  _EXE?: string;
  _CMDLINE?: string;
  _SYSTEMD_UNIT?: string;
  /**
   * syslog, journal, stdout, kernel, audit, driver
   */
  _TRANSPORT?: string;
  _BOOT_ID?: string;
  _MACHINE_ID?: string;
  /**
   * µs since the epoch: when the client sent the entry
   */
  _SOURCE_REALTIME_TIMESTAMP?: string;
  /**
   * µs since the epoch (journalctl -o json; not sent by Fluent Bit)
   */
  __REALTIME_TIMESTAMP?: string;
  /**
   * the entry's journal cursor (journalctl -o json; not sent by Fluent Bit)
   */
  __CURSOR?: string;
  /**
   * added by record_modifier on the agent
   */
  hostname?: string;
  source_kind?: SourceKind1;
  [k: string]: unknown;
}
/**
 * A line from Fluent Bit's tail input without a parser: the whole line is in `log`. This is what fluent-bit/ in this repo sends; parsing happens in the service.
 */
export interface TailRawRecord {
  /**
   * The line; up to 2 MiB for stack traces folded by a multiline parser (the service bounds the stored message)
   */
  log: string;
  /**
   * path_key: the file the line was read from
   */
  file?: string;
  /**
   * offset_key: byte offset of the start of the line
   */
  offset?: number;
  /**
   * inode_key: the inode of the file, so a rotated file starting again at offset 0 is told apart from the old one
   */
  inode?: number;
  /**
   * added by record_modifier on the agent
   */
  hostname?: string;
  source_kind?: SourceKind2;
  [k: string]: unknown;
}
/**
 * A record from Fluent Bit's winevtlog input (plugins/in_winevtlog/pack.c), with event_data_as_map and string_inserts on.
 */
export interface WinEvtLogRecord {
  ProviderName?: string;
  ProviderGuid?: string;
  Qualifiers?: number | string;
  EventID: number | string;
  Version?: number;
  Level?: number;
  Task?: number;
  Opcode?: number;
  Keywords?: string;
  TimeCreated: string;
  EventRecordID: number;
  ActivityID?: string;
  RelatedActivityID?: string;
  ProcessID?: number;
  ThreadID?: number;
  /**
   * May be empty: events of ETW-based logs carry no channel name
   */
  Channel: string;
  Computer: string;
  UserID?: string;
  Message?: string;
  EventData?: {
    [k: string]: string | number | boolean | null;
  };
  /**
   * @maxItems 1024
   */
  StringInserts?: unknown[];
  hostname?: string;
  [k: string]: unknown;
}
/**
 * A record from Fluent Bit's older winlog input (classic Event Log API).
 */
export interface WinLogRecord {
  RecordNumber: number;
  TimeGenerated: string;
  TimeWritten?: string;
  EventID: number;
  Qualifiers?: number;
  EventType?: string;
  EventCategory?: number;
  Channel: string;
  SourceName?: string;
  ComputerName: string;
  Data?: string;
  Sid?: string;
  Message?: string;
  /**
   * @maxItems 1024
   */
  StringInserts?: string[];
  hostname?: string;
  [k: string]: unknown;
}
/**
 * Body of PATCH /api/v1/rules/:id: settings the running engine applies at once, stored in SQLite and applied again after a restart, on top of the rule's definition and rules.overrides in the config. Only what can change without rebuilding a rule's groups (group_by and rule settings stay config-only). A key left out keeps its current runtime value; null removes it (back to the configured value).
 */
export interface RuleRuntimeOverride {
  /**
   * false: the rule stops matching (its open groups expire as usual).
   */
  enabled?: boolean | null;
  /**
   * Events (count), distinct values (distinct) or failures before the final step (sequence) needed to fire. Not for single-event rules.
   */
  threshold?: number | null;
  /**
   * Sliding window in seconds of event time. Not for single-event rules.
   */
  window_s?: number | null;
  /**
   * Quiet period per group after the rule fires, in seconds.
   */
  quiet_s?: number | null;
  severity?: AlertSeverity | null;
}
/**
 * Body of POST /api/v1/rules/:id/test: log lines to run the rule over, as `logward test-rule` does with a file (raw lines, Fluent Bit JSON lines). Nothing is stored and no alert is sent.
 */
export interface RuleTestRequest {
  /**
   * @minItems 1
   * @maxItems 10000
   */
  lines: [string, ...string[]];
  kind?: SourceKind;
  /**
   * Host for lines that do not name one
   */
  host?: string;
  /**
   * Matched lines listed per rule (all are counted)
   */
  max_lines?: number;
}
/**
 * Matches one alert attribute: rule_id, host, severity, source, or any group/label key. A key the alert lacks matches as the empty string (as in Alertmanager).
 */
export interface SilenceMatcher {
  name: string;
  value: string;
  /**
   * value is a regular expression anchored at both ends
   */
  is_regex?: boolean;
  /**
   * false: the matcher matches when the value does NOT match
   */
  is_equal?: boolean;
}
/**
 * Body of POST /api/silences.
 */
export interface SilenceRequest {
  /**
   * @minItems 1
   * @maxItems 20
   */
  matchers:
    | [SilenceMatcher]
    | [SilenceMatcher, SilenceMatcher]
    | [SilenceMatcher, SilenceMatcher, SilenceMatcher]
    | [SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher]
    | [SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher]
    | [SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher]
    | [SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher, SilenceMatcher]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ]
    | [
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher,
        SilenceMatcher
      ];
  /**
   * Default: now
   */
  starts_at?: string;
  ends_at: string;
  comment: string;
  created_by: string;
}
/**
 * A stored silence: alerts matched by every matcher between starts_at and ends_at are stored with state 'silenced' and not notified.
 */
export interface Silence {
  id: number;
  matchers: SilenceMatcher[];
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string;
  created_at: string;
  status: 'pending' | 'active' | 'expired';
}
