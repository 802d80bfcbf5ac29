/**
 * Worker thread side of decode-pool.ts: decodes each chunk (decodeChunk), one at a time (gunzip
 * is asynchronous, and without the queue a worker would decode every queued chunk at once: one
 * chunk's decoded text and objects at a time per worker is what bounds its memory).
 *
 * Given the database file (settings.store), it also stores the chunks on its own connection
 * (event-writer.ts) before it answers, so the INSERTs and the fsynced commit run here, not on the
 * main thread that also runs detection. Group commit: the chunks decoded while others wait in
 * the queue share one transaction (at most MAX_COMMIT_CHUNKS / MAX_COMMIT_ROWS, which bounds how
 * long another connection's write can wait for this one's lock); a lone chunk is committed at
 * once. Each chunk is answered only after the commit that holds it, with each row's seq.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeChunkPacked } from './decode.js';
import { IngestError } from './errors.js';
import { unpackRows } from './packed-rows.js';
import { openDatabase } from '../store/database.js';
import { DictionaryWriter } from '../store/event-dictionary.js';
import { EventWriter } from '../store/event-writer.js';
import type { WorkerMessage, WorkerReply, WorkerSettings } from './decode-pool.js';
import type { DeadLetter, EncodedEvent } from '../store/event-store.js';

const settings = workerData as WorkerSettings;
/** Most chunks, and rows, in one commit: more saves little CPU and holds the write lock longer. */
const MAX_COMMIT_CHUNKS = 8;
const MAX_COMMIT_ROWS = 8192;

const db = settings.store ? openDatabase({ path: settings.store.path, synchronous: 'NORMAL' }) : undefined;
const writer = db && settings.store
  ? new EventWriter(db, new DictionaryWriter(db, settings.store.maxInternedStrings), { durableIngest: settings.store.durableIngest })
  : undefined;

const inbox: WorkerMessage[] = [];
let running: Promise<void> | undefined;
let closing = false;

parentPort!.on('message', (msg: WorkerMessage | { close: true }) => {
  if ('close' in msg) {
    closing = true;
    if (!running) shutdown();
    return;
  }
  inbox.push(msg);
  running ??= drain().finally(() => {
    running = undefined;
    if (closing) shutdown();
  });
});

function shutdown(): void {
  db?.close();
  parentPort!.close();
}

type Decoded = { id: number; result: Awaited<ReturnType<typeof decodeChunkPacked>> };

async function drain(): Promise<void> {
  let group: Decoded[] = [];
  let rows = 0;
  while (inbox.length) {
    const msg = inbox.shift()!;
    let d: Decoded;
    try {
      d = { id: msg.id, result: await decodeChunkPacked(msg.req, settings) };
    } catch (err) {
      postError(msg.id, err);
      continue;
    }
    if (!writer) {
      reply(d, undefined);
      continue;
    }
    group.push(d);
    rows += d.result.packed.timesMs.length;
    // Commit now unless another chunk is already waiting and the group has room for it.
    if (!inbox.length || group.length >= MAX_COMMIT_CHUNKS || rows >= MAX_COMMIT_ROWS) {
      commit(writer, group);
      group = [];
      rows = 0;
    }
  }
  if (group.length && writer) commit(writer, group);
}

function commit(w: EventWriter, group: readonly Decoded[]): void {
  const perChunk = group.map((d) => unpackRows(d.result.packed));
  let all: EncodedEvent[] = perChunk[0]!;
  let dead: DeadLetter[] = group[0]!.result.deadLetters;
  if (group.length > 1) {
    all = perChunk.flat();
    dead = group.flatMap((d) => d.result.deadLetters);
  }
  const seqs = new Float64Array(all.length);
  try {
    w.write(all, dead, seqs);
  } catch (err) {
    // Ours, not the sender's (disk full, I/O error): every chunk of the commit gets it, and Fluent Bit retries them all.
    const message = (err as Error).message;
    for (const d of group) parentPort!.postMessage({ id: d.id, error: { status: 0, code: 'storage', message } } satisfies WorkerReply);
    return;
  }
  // Seqs by position, cut per chunk (views of their own buffer each, so each moves with its reply).
  let at = 0;
  for (const d of group) {
    const n = d.result.packed.timesMs.length;
    reply(d, seqs.slice(at, at + n));
    at += n;
  }
}

function reply(d: Decoded, seqs: Float64Array | undefined): void {
  const { packed } = d.result;
  const transfer = [packed.lengths.buffer as ArrayBuffer, packed.bytes.buffer as ArrayBuffer, packed.byteLengths.buffer as ArrayBuffer, packed.timesMs.buffer as ArrayBuffer];
  if (seqs) transfer.push(seqs.buffer as ArrayBuffer);
  parentPort!.postMessage({ id: d.id, result: d.result, ...(seqs ? { seqs } : {}) } satisfies WorkerReply, transfer);
}

function postError(id: number, err: unknown): void {
  const e = err as Error;
  parentPort!.postMessage({
    id,
    error: err instanceof IngestError ? { status: err.status, code: err.code, message: err.message } : { status: 0, code: 'internal', message: e.message },
  } satisfies WorkerReply);
}
