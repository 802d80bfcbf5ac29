-- Logward agent: journal entries that rsyslog also writes to a file the agent tails are dropped,
-- so each line reaches the service once (deployed as /etc/fluent-bit/logward-journal.lua).
--
-- rsyslog's defaults: Debian/Ubuntu write auth and authpriv (facility 4, 10) to /var/log/auth.log
-- and everything else to /var/log/syslog; RHEL/Fedora write authpriv to /var/log/secure and the
-- rest to /var/log/messages. So an auth/authpriv entry is dropped while auth.log or secure
-- exists, any other entry while syslog or messages exists. Without rsyslog none of these files
-- exists and every entry is kept. Existence is checked at most once a minute.
-- Limit: a file left behind by an rsyslog that no longer runs still counts as present.

local AUTH_FILES = { "/var/log/auth.log", "/var/log/secure" }
local SYSLOG_FILES = { "/var/log/syslog", "/var/log/messages" }
local RECHECK_SECONDS = 60

local checked_at = nil
local have_auth_file = false
local have_syslog_file = false

local function exists(path)
  local f = io.open(path, "r")
  if f then
    f:close()
    return true
  end
  return false
end

local function any_exists(paths)
  for _, p in ipairs(paths) do
    if exists(p) then return true end
  end
  return false
end

local function refresh(now)
  if checked_at == nil or now - checked_at >= RECHECK_SECONDS then
    have_auth_file = any_exists(AUTH_FILES)
    have_syslog_file = any_exists(SYSLOG_FILES)
    checked_at = now
  end
end

-- Fluent Bit filter callback: return -1 to drop the record, 0 to keep it unchanged.
function journal_not_in_files(tag, timestamp, record)
  refresh(os.time())
  local facility = record["SYSLOG_FACILITY"]
  local auth = facility == "4" or facility == "10"
  if (auth and have_auth_file) or (not auth and have_syslog_file) then
    return -1, timestamp, record
  end
  return 0, timestamp, record
end
