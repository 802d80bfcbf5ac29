/**
 * A large auth.log built from the message templates real OpenSSH servers write (the shapes of
 * the public LogHub OpenSSH_2k log and of fail2ban's samples), for `npm run bench:sshd`:
 * brute-force bursts of every speed (some just under, some just over 10 attempts in 5 minutes),
 * slow scanners, invalid users, PAM + Failed password pairs, MaxAuthTries disconnects in both
 * the old ("Disconnecting: Too many authentication failures") and new ("maximum authentication
 * attempts exceeded") forms, "message repeated" lines, users with several keys, PAM failures
 * followed by success, port scanners, and the CRON/sudo/systemd noise around them. Deterministic
 * for a seed. Sessions are interleaved (concurrent pids) as on a real server.
 */
import { createWriteStream } from 'node:fs';
import { mulberry32 } from '../src/anomaly/forest/rng.js';


const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USERS = ['admin', 'test', 'oracle', 'postgres', 'ubuntu', 'git', 'user', 'guest', 'ftpuser', 'webmaster', 'pi', 'support', 'deploy', 'mysql', 'hadoop', 'jenkins', 'nagios', 'test9', 'chen', 'pgadmin', 'utsims', 'inspur'];
const KEYS = ['RSA SHA256:Zx9Q0mUQ8l1bYd3c2Rk3lY8W0yq1r3Kx2bq7m8c2pXo', 'ECDSA SHA256:q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c', 'ED25519 SHA256:Mn8b7v6c5x4z3l2k1j0h9g8f7d6s5a4p3o2i1u0y9t8'];

interface Pending {
  t: number;
  line: string;
}

export interface GenStats {
  lines: number;
  attackers: number;
  sessions: number;
}

function syslogTime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * Writes about `targetLines` lines to `path`, starting at `startMs` (UTC wall clock, written
 * without a year as syslog does).
 */
export async function generateAuthLog(path: string, targetLines: number, seed = 42, startMs = Date.UTC(2026, 10, 2, 0, 0, 0)): Promise<GenStats> {
  const rnd = mulberry32(seed).next;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const host = 'LabSZ';
  let pid = 20000;
  const ip = (i: number) => `${(i % 200) + 20}.${(i * 7) % 250}.${(i * 13) % 250}.${(i * 31) % 250 + 1}`;
  // A heap would be tidier; sessions are short, so a buffer sorted in slices is enough.
  let pending: Pending[] = [];
  let written = 0;
  let sessions = 0;
  const out = createWriteStream(path);
  const write = (s: string) => new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
  const emit = (t: number, prog: string, msg: string) => pending.push({ t, line: `${syslogTime(t)} ${host} ${prog}: ${msg}` });

  /** One sshd connection starting at t; returns its last time. */
  const session = (t: number, addr: string, kind: number): number => {
    const p = `sshd[${pid++}]`;
    sessions++;
    const port = int(1024, 65535);
    let at = t;
    const step = (lo = 0, hi = 2) => (at += int(lo, hi) * 1000);
    switch (kind) {
      case 0: {
        // invalid user, one password (LogHub's most common shape)
        const u = pick(USERS);
        if (rnd() < 0.3) emit(at, p, `reverse mapping checking getaddrinfo for ns.example-${int(1, 99)}.com [${addr}] failed - POSSIBLE BREAK-IN ATTEMPT!`);
        emit(at, p, `Invalid user ${u} from ${addr}`);
        emit(at, p, `input_userauth_request: invalid user ${u} [preauth]`);
        emit(at, p, 'pam_unix(sshd:auth): check pass; user unknown');
        emit(at, p, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${addr} `);
        step(1, 4);
        emit(at, p, `Failed password for invalid user ${u} from ${addr} port ${port} ssh2`);
        emit(at, p, rnd() < 0.5 ? `Connection closed by ${addr} [preauth]` : `Received disconnect from ${addr}: 11: Bye Bye [preauth]`);
        break;
      }
      case 1: {
        // root, one password, PAM + Failed password
        emit(at, p, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${addr}  user=root`);
        step(1, 3);
        emit(at, p, `Failed password for root from ${addr} port ${port} ssh2`);
        emit(at, p, `Received disconnect from ${addr}: 11: Bye Bye [preauth]`);
        break;
      }
      case 2: {
        // MaxAuthTries reached, old form with "message repeated" and the address-less disconnect
        emit(at, p, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${addr}  user=root`);
        step(2, 12);
        emit(at, p, `Failed password for root from ${addr} port ${port} ssh2`);
        step(5, 13);
        emit(at, p, `message repeated 5 times: [ Failed password for root from ${addr} port ${port} ssh2]`);
        emit(at, p, 'Disconnecting: Too many authentication failures for root [preauth]');
        emit(at, p, `PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=${addr}  user=root`);
        emit(at, p, 'PAM service(sshd) ignoring max retries; 6 > 3');
        break;
      }
      case 3: {
        // MaxAuthTries reached, OpenSSH >= 7 form
        const u = rnd() < 0.5 ? 'root' : pick(USERS);
        const inv = u === 'root' ? '' : 'invalid user ';
        if (inv) emit(at, p, `Invalid user ${u} from ${addr} port ${port}`);
        const n = int(2, 6);
        for (let i = 0; i < n; i++) {
          step(1, 3);
          emit(at, p, `Failed password for ${inv}${u} from ${addr} port ${port} ssh2`);
        }
        if (n === 6) {
          emit(at, p, `error: maximum authentication attempts exceeded for ${inv}${u} from ${addr} port ${port} ssh2 [preauth]`);
          emit(at, p, `Disconnecting ${inv ? 'invalid' : 'authenticating'} user ${u} ${addr} port ${port}: Too many authentication failures [preauth]`);
        } else emit(at, p, `Connection closed by ${inv ? 'invalid' : 'authenticating'} user ${u} ${addr} port ${port} [preauth]`);
        break;
      }
      case 4: {
        // scanner: no identification / closed before auth
        emit(at, p, rnd() < 0.5 ? `Did not receive identification string from ${addr}` : `Connection closed by ${addr} port ${port} [preauth]`);
        break;
      }
      case 5: {
        // a user with several keys: failed publickeys then accepted (no failure)
        const n = int(1, 4);
        for (let i = 0; i < n; i++) emit(at, p, `Failed publickey for deploy from ${addr} port ${port} ssh2: ${pick(KEYS)}`);
        emit(at, p, `Accepted publickey for deploy from ${addr} port ${port} ssh2: ${pick(KEYS)}`);
        emit(at, p, 'pam_unix(sshd:session): session opened for user deploy by (uid=0)');
        step(30, 600);
        emit(at, p, `Received disconnect from ${addr} port ${port}:11: disconnected by user`);
        emit(at, p, `Disconnected from user deploy ${addr} port ${port}`);
        emit(at, p, 'pam_unix(sshd:session): session closed for user deploy');
        break;
      }
      case 6: {
        // PAM failure, then success through another method (no failure)
        emit(at, p, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${addr}  user=alice`);
        step(1, 3);
        emit(at, p, `Accepted keyboard-interactive/pam for alice from ${addr} port ${port} ssh2`);
        emit(at, p, 'pam_unix(sshd:session): session opened for user alice by (uid=0)');
        break;
      }
      default: {
        // a wrong key for a valid user, too many keys: the disconnect counts
        for (let i = 0; i < 3; i++) emit(at, p, `Failed publickey for git from ${addr} port ${port} ssh2: ${pick(KEYS)}`);
        emit(at, p, 'Disconnecting: Too many authentication failures for git [preauth]');
        emit(at, p, `Connection closed by ${addr} port ${port} [preauth]`);
      }
    }
    return at;
  };

  let now = startMs;
  let attacker = 0;
  const flush = async (upTo: number) => {
    pending.sort((a, b) => a.t - b.t);
    let i = 0;
    let chunk = '';
    for (; i < pending.length && pending[i]!.t <= upTo; i++) {
      chunk += pending[i]!.line + '\n';
      written++;
      if (chunk.length > 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    if (chunk) await write(chunk);
    pending = pending.slice(i);
  };

  while (written + pending.length < targetLines) {
    const r = rnd();
    const addr = ip(attacker++);
    if (r < 0.35) {
      // a burst: `n` sessions `gap` seconds apart; with 1-2 failures each some land just under or over 10 in 5 min
      const n = int(2, 14);
      const gap = int(3, 60);
      let t = now;
      const kind = pick([0, 1, 1, 3]);
      for (let i = 0; i < n; i++) t = session(t + gap * 1000, addr, kind);
    } else if (r < 0.5) {
      // slow scanner: a few attempts minutes apart
      let t = now;
      for (let i = 0, n = int(3, 12); i < n; i++) t = session(t + int(60, 900) * 1000, addr, pick([0, 1]));
    } else if (r < 0.6) session(now, addr, 2);
    else if (r < 0.7) session(now, addr, 4);
    else if (r < 0.85) session(now, `198.51.100.${int(1, 250)}`, 5);
    else if (r < 0.9) session(now, `198.51.100.${int(1, 250)}`, 6);
    else if (r < 0.95) session(now, addr, 7);
    else {
      emit(now, `CRON[${pid++}]`, 'pam_unix(cron:session): session opened for user root by (uid=0)');
      emit(now + 1000, `CRON[${pid - 1}]`, 'pam_unix(cron:session): session closed for user root');
      if (rnd() < 0.3) emit(now + 2000, 'sudo', `   deploy : TTY=pts/0 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart app`);
    }
    now += int(1, 20) * 1000;
    // lines older than 2 h before `now` can no longer be preceded by new ones: write them out
    if (pending.length > 50_000) await flush(now - 3 * 3600_000);
  }
  await flush(Number.POSITIVE_INFINITY);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { lines: written, attackers: attacker, sessions };
}
