/**
 * Interned strings of the event store: hosts (their own table, so retention can drop a host with
 * no events left: attackers choose syslog host names), source kinds (their own table: a query by
 * time alone reads the kind index once per kind, so it must list them) and the strings that
 * repeat across a stream's events (stream, program). Events refer to them by integer id; ids are
 * never reused (AUTOINCREMENT), so a reader's cache of id → string never goes stale.
 *
 * Both sides keep bounded in-memory caches in front of the tables: a miss costs one indexed read.
 */
import type Database from 'better-sqlite3';

type Db = Database.Database;

/** Most entries of each in-memory cache; past it the cache starts over (the tables are the truth). */
const MAX_CACHED = 50_000;
/**
 * Most interned strings. Past it, new streams and programs are written into the event body
 * instead (a little bigger, same meaning): a stream of attacker-chosen program names cannot grow
 * the dictionary, which retention does not prune, without bound.
 */
export const MAX_STRINGS = 1_000_000;

export const DICTIONARY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS event_hosts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE IF NOT EXISTS event_kinds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE IF NOT EXISTS event_strings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    value TEXT NOT NULL UNIQUE
  );
`;

function boundedSet<K, V>(m: Map<K, V>, k: K, v: V): void {
  if (m.size >= MAX_CACHED) m.clear();
  m.set(k, v);
}

/** The writer's side: string → id, inserting what is new (inside the caller's transaction). */
export class DictionaryWriter {
  private readonly hostIds = new Map<string, number>();
  private readonly kindIds = new Map<string, number>();
  private readonly stringIds = new Map<string, number>();
  private readonly selectHost;
  private readonly insertHost;
  private readonly selectKind;
  private readonly insertKind;
  private readonly selectString;
  private readonly insertString;
  private readonly countStrings;
  private full: boolean;

  constructor(db: Db, private readonly maxStrings = MAX_STRINGS) {
    this.selectHost = db.prepare('SELECT id FROM event_hosts WHERE name = ?').pluck();
    this.insertHost = db.prepare('INSERT INTO event_hosts (name) VALUES (?)');
    this.selectKind = db.prepare('SELECT id FROM event_kinds WHERE name = ?').pluck();
    this.insertKind = db.prepare('INSERT INTO event_kinds (name) VALUES (?)');
    this.selectString = db.prepare('SELECT id FROM event_strings WHERE value = ?').pluck();
    this.insertString = db.prepare('INSERT INTO event_strings (value) VALUES (?)');
    this.countStrings = db.prepare('SELECT count(*) FROM event_strings').pluck();
    this.full = (this.countStrings.get() as number) >= maxStrings;
  }

  // The last answer of each lookup: a chunk's events mostly share host, stream and program, and
  // comparing a string is cheaper than hashing it (strings from the decode worker arrive unhashed).
  private lastHost = '';
  private lastHostId = 0;
  private lastString = '';
  private lastStringId = 0;
  private lastString2 = '';
  private lastString2Id = 0;

  hostId(name: string): number {
    if (name === this.lastHost) return this.lastHostId;
    const id = this.lookupHost(name);
    this.lastHost = name;
    this.lastHostId = id;
    return id;
  }

  private lookupHost(name: string): number {
    let id = this.hostIds.get(name);
    if (id === undefined) {
      id = (this.selectHost.get(name) as number | undefined) ?? Number(this.insertHost.run(name).lastInsertRowid);
      boundedSet(this.hostIds, name, id);
    }
    return id;
  }

  /** Source kinds are a schema enum: a handful, never full. */
  kindId(name: string): number {
    let id = this.kindIds.get(name);
    if (id === undefined) {
      id = (this.selectKind.get(name) as number | undefined) ?? Number(this.insertKind.run(name).lastInsertRowid);
      this.kindIds.set(name, id);
    }
    return id;
  }

  /** The id of `value`; undefined when it is new and the dictionary is full. */
  stringId(value: string): number | undefined {
    // Two remembered: the stream and the program alternate.
    if (value === this.lastString) return this.lastStringId;
    if (value === this.lastString2) return this.lastString2Id;
    const id = this.lookupString(value);
    if (id !== undefined) {
      this.lastString2 = this.lastString;
      this.lastString2Id = this.lastStringId;
      this.lastString = value;
      this.lastStringId = id;
    }
    return id;
  }

  private lookupString(value: string): number | undefined {
    let id = this.stringIds.get(value);
    if (id !== undefined) return id;
    id = this.selectString.get(value) as number | undefined;
    if (id === undefined) {
      if (this.full) return undefined;
      id = Number(this.insertString.run(value).lastInsertRowid);
      if (id % 1024 === 0 || id >= this.maxStrings) this.full = (this.countStrings.get() as number) >= this.maxStrings;
    }
    boundedSet(this.stringIds, value, id);
    return id;
  }

  /** After a rolled-back transaction: ids cached during it may not exist. */
  forget(): void {
    this.lastHost = this.lastString = this.lastString2 = '';
    this.hostIds.clear();
    this.kindIds.clear();
    this.stringIds.clear();
  }
}

/** The reader's side: id → string, for decoding. */
export class DictionaryReader {
  private readonly hosts = new Map<number, string>();
  private readonly kinds = new Map<number, string>();
  private readonly strings = new Map<number, string>();
  private readonly streams = new Map<number, unknown>();
  private readonly selectHost;
  private readonly selectString;
  private readonly selectHostId;
  private readonly selectStringId;
  private readonly selectKind;
  private readonly selectKindId;
  private readonly selectKindIds;

  constructor(db: Db) {
    this.selectHost = db.prepare('SELECT name FROM event_hosts WHERE id = ?').pluck();
    this.selectString = db.prepare('SELECT value FROM event_strings WHERE id = ?').pluck();
    this.selectKind = db.prepare('SELECT name FROM event_kinds WHERE id = ?').pluck();
    this.selectKindId = db.prepare('SELECT id FROM event_kinds WHERE name = ?').pluck();
    this.selectKindIds = db.prepare('SELECT id FROM event_kinds ORDER BY id').pluck();
    this.selectHostId = db.prepare('SELECT id FROM event_hosts WHERE name = ?').pluck();
    this.selectStringId = db.prepare('SELECT id FROM event_strings WHERE value = ?').pluck();
  }

  host(id: number): string {
    let s = this.hosts.get(id);
    if (s === undefined) {
      s = this.selectHost.get(id) as string | undefined;
      if (s === undefined) throw new Error(`event store: host ${id} is missing from event_hosts`);
      boundedSet(this.hosts, id, s);
    }
    return s;
  }

  kind(id: number): string {
    let s = this.kinds.get(id);
    if (s === undefined) {
      s = this.selectKind.get(id) as string | undefined;
      if (s === undefined) throw new Error(`event store: kind ${id} is missing from event_kinds`);
      this.kinds.set(id, s);
    }
    return s;
  }

  string(id: number): string {
    let s = this.strings.get(id);
    if (s === undefined) {
      s = this.selectString.get(id) as string | undefined;
      if (s === undefined) throw new Error(`event store: string ${id} is missing from event_strings`);
      boundedSet(this.strings, id, s);
    }
    return s;
  }

  /** A stream id's parsed parts, cached parsed (every event of a stream shares them, read-only). */
  parsed<T>(id: number): T {
    let p = this.streams.get(id);
    if (p === undefined) {
      p = JSON.parse(this.string(id));
      boundedSet(this.streams, id, p);
    }
    return p as T;
  }

  /** For filters: the id of a host / string, or undefined when it was never stored. */
  findHost(name: string): number | undefined {
    return this.selectHostId.get(name) as number | undefined;
  }

  findKind(name: string): number | undefined {
    return this.selectKindId.get(name) as number | undefined;
  }

  /** Every kind ever stored (read each time: a new kind may have arrived since). */
  kindIds(): number[] {
    return this.selectKindIds.all() as number[];
  }
}
