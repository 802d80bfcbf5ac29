/**
 * fluent-bit/linux/logward-journal.lua run by LuaJIT (the Lua Fluent Bit embeds): a journal entry
 * is dropped while rsyslog's file for it exists on the host, kept otherwise. io.open and os.time
 * are stubbed, so the test decides which files exist and when. Needs `luajit` on PATH (Debian:
 * apt-get install luajit); without it the test is skipped and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FB_DIR } from './fluent-bit-config.js';

const SCRIPT = join(FB_DIR, 'linux', 'logward-journal.lua');
const hasLuajit = spawnSync('luajit', ['-v']).status === 0;

/** Runs `steps` (Lua statements) after loading the script with a stubbed file system and clock; returns printed lines. */
function runLua(steps: string): string[] {
  const driver = `
    local existing = {}
    local now = 1000
    io.open = function(path, mode) if existing[path] then return { close = function() end } end return nil end
    os.time = function() return now end
    dofile(${JSON.stringify(SCRIPT)})
    local function run(rec) local code = journal_not_in_files("journal.ssh.service", 1.5, rec) print(code) end
    ${steps}
  `;
  const r = spawnSync('luajit', ['-e', driver], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

test('journal entries are kept on a host without rsyslog files, dropped per file where rsyslog writes them', { skip: hasLuajit ? false : 'luajit is not installed (apt-get install luajit)' }, () => {
  const out = runLua(`
    run({ SYSLOG_FACILITY = "4", MESSAGE = "Failed password" })   -- no files: kept
    run({ MESSAGE = "Started nginx.service" })                      -- kept
    existing["/var/log/auth.log"] = true
    now = now + 61
    run({ SYSLOG_FACILITY = "4", MESSAGE = "Failed password" })   -- auth.log exists: dropped
    run({ SYSLOG_FACILITY = "10", MESSAGE = "pam_unix" })         -- authpriv: dropped
    run({ SYSLOG_FACILITY = "3", MESSAGE = "Started nginx" })     -- no syslog file yet: kept
    existing["/var/log/messages"] = true
    run({ SYSLOG_FACILITY = "3", MESSAGE = "Started nginx" })     -- within a minute of the last check: still kept
    now = now + 60
    run({ SYSLOG_FACILITY = "3", MESSAGE = "Started nginx" })     -- rechecked: messages exists, dropped
    run({ MESSAGE = "no facility" })                               -- dropped with the syslog file
    existing["/var/log/auth.log"] = nil
    existing["/var/log/secure"] = true
    now = now + 60
    run({ SYSLOG_FACILITY = "10", MESSAGE = "sudo" })             -- RHEL secure: dropped
    existing["/var/log/secure"] = nil
    now = now + 60
    run({ SYSLOG_FACILITY = "10", MESSAGE = "sudo" })             -- rsyslog removed: kept again
  `);
  assert.deepEqual(out, ['0', '0', '-1', '-1', '0', '0', '-1', '-1', '-1', '0']);
});
