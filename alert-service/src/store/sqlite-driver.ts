/**
 * The better-sqlite3 build this Node can run. better-sqlite3 12 wraps its objects with V8's
 * ObjectWrap, whose destructor on Node 24 asserts an Environment that is gone at teardown and in
 * some GC callbacks ("Assertion failed: (env) != nullptr", RemoveEnvironmentCleanupHook): the
 * process aborts. 13 is a Node-API build that ships prebuilt binaries, needs Node 22 or later and
 * crashes on Node 20. So Node 24 and later load 13 (installed as better-sqlite3-napi), older ones
 * the 12 compiled at install. Both have the same API; the types are 12's.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.', 1)[0]);

export const SQLITE_DRIVER = major >= 24 ? 'better-sqlite3-napi' : 'better-sqlite3';
const Database = require(SQLITE_DRIVER) as typeof BetterSqlite3;
export default Database;
