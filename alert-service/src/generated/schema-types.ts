/* Generated from schemas/ by alert-service/scripts/gen-types.ts. Do not edit: change the schema and run `npm run gen:types`. */

/**
 * Alert levels, as Sigma's `level`.
 */
export type AlertSeverity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
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
 * What kind of log an event came from. Decides which line parser applies.
 */
export type SourceKind = 'auth' | 'syslog' | 'web_access' | 'web_error' | 'app' | 'windows';
/**
 * One severity scale for every source: the syslog (RFC 5424) keywords. HTTP 5xx is error, 4xx warning; Windows audit failures are warning.
 */
export type Severity = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug';
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
  hostname?: string;
  source_kind?: SourceKind;
  [k: string]: unknown;
};
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
  hostname?: string;
  source_kind?: SourceKind;
  [k: string]: unknown;
};
/**
 * What kind of log an event came from. Decides which line parser applies.
 */
export type SourceKind1 = 'auth' | 'syslog' | 'web_access' | 'web_error' | 'app' | 'windows';

export interface AllSchemas {
  'alert-ack-request.schema.json'?: AlertAckRequest;
  'alert-record.schema.json'?: AlertRecord;
  'alert-severity.schema.json'?: AlertSeverity;
  'alert.schema.json'?: AlertSignal;
  'config.schema.json'?: LogwardConfig;
  'config/alerting.schema.json'?: AlertingConfig;
  'config/anomaly.schema.json'?: AnomalyConfig;
  'config/ingest.schema.json'?: IngestConfig;
  'config/normalize.schema.json'?: NormalizeConfig;
  'config/rules.schema.json'?: RulesConfig;
  'config/server.schema.json'?: ServerConfig;
  'config/storage.schema.json'?: StorageConfig;
  'event-fields.schema.json'?: EventFields;
  'event.schema.json'?: LogEvent;
  'ip-enrichment.schema.json'?: IpEnrichment;
  'outbox-item.schema.json'?: OutboxItem;
  'records/app-json.schema.json'?: AppJsonRecord;
  'records/tail-parsed.schema.json'?: TailParsedRecord;
  'records/tail-raw.schema.json'?: TailRawRecord;
  'records/winevtlog.schema.json'?: WinEvtLogRecord;
  'records/winlog.schema.json'?: WinLogRecord;
  'rule-override.schema.json'?: RuleOverride;
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
  channel: 'email' | 'slack' | 'forward';
  kind: 'alerts' | 'held_back' | 'digest';
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_error?: string | null;
  created_at: string;
  sent_at?: string | null;
  alert_ids: number[];
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
   * Base URL used in links inside notifications
   */
  public_url: string;
  /**
   * Bearer token for the REST API. Unset: the API answers only on loopback.
   */
  api_token?: string;
}
export interface IngestConfig {
  /**
   * Accepted Bearer tokens for POST /v1/ingest (several, to rotate; at least 12 characters, generate them with `openssl rand -hex 32`). Empty: ingest is open, allowed only when listening on loopback.
   */
  tokens: string[];
  /**
   * Largest request body as sent (compressed). Fluent Bit chunks are ~256 KB, up to ~2 MB from filesystem storage; 32 MiB leaves ample room.
   */
  max_body_bytes: number;
  /**
   * Largest body after gunzip: a gzip bomb stops here.
   */
  max_decoded_bytes: number;
  max_records: number;
  /**
   * Deepest JSON nesting accepted in a body
   */
  max_depth: number;
  /**
   * Requests decoded at once; beyond this the service answers 503 and Fluent Bit retries.
   */
  max_concurrent: number;
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
     * Wait after the first alert of a rule before notifying, to batch alerts that arrive together.
     */
    group_wait_s: number;
    /**
     * Minimum time between two notifications for the same rule when alerts are added or resolved.
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
    channels: ('email' | 'slack' | 'forward')[];
  };
  /**
   * Per rule / severity / source overrides; the first entry whose match fits wins, missing keys come from default_policy. The default sends new critical alerts at once.
   */
  policies: Policy[];
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
  };
  outbox: {
    /**
     * Deliveries are marked failed after this many attempts.
     */
    max_attempts: number;
    /**
     * First retry delay; doubles per attempt, with jitter.
     */
    backoff_initial_ms: number;
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
     * Local hour at which the digest for the previous 24 hours is sent.
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
  channels?: ('email' | 'slack' | 'forward')[];
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
 * The one normalized event shape every source is turned into. Detection, anomaly features and alerts read only this.
 */
export interface LogEvent {
  /**
   * Idempotency key derived from what identifies the record at its origin (host+file+offset+line, or channel+EventRecordID+computer), so a replayed chunk maps onto the same ids.
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
   * added by record_modifier on the agent
   */
  hostname?: string;
  source_kind?: SourceKind1;
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
