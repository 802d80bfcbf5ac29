/** Disk and filesystem errors reported by the kernel: ext4/xfs/btrfs errors, I/O errors, read-only remounts, full disks. */
import { defineRule, boundedMatch } from '../sdk.js';

const PATTERNS: Array<[RegExp, string]> = [
  [/(EXT[234]-fs error) \(device ([^)]{1,64})\)/, 'filesystem_error'],
  [/\b(XFS) \(([^)]{1,64})\): (?:Corruption|metadata I\/O error|Internal error|log I\/O error)/, 'filesystem_error'],
  [/\b(BTRFS) (?:error|critical) \(device ([^)]{1,64})\)/, 'filesystem_error'],
  [/\b(I\/O error), dev ([A-Za-z0-9_-]{1,64})/, 'io_error'],
  [/\b(Buffer I\/O error) on dev(?:ice)? ([A-Za-z0-9_-]{1,64})/, 'io_error'],
  [/\b(Remounting filesystem read-only)()/, 'read_only'],
  [/\b(No space left on device)()/, 'disk_full'],
  [/\b(Medium Error|critical medium error|unrecovered read error)[^,]{0,32}(?:, dev ([A-Za-z0-9_-]{1,64}))?/i, 'media_error'],
];

export default defineRule({
  id: 'disk-filesystem-error',
  title: 'Disk or filesystem error',
  description: 'The kernel reported a filesystem error, a disk I/O error, a read-only remount or a full disk.',
  severity: 'high',
  tags: ['attack.impact'],
  match: { kinds: ['syslog'] },
  extract(e) {
    for (const [re, problem] of PATTERNS) {
      const m = boundedMatch(re, e.message);
      if (m) return { problem, device: m[2] || undefined, detail: m[1] };
    }
    return null;
  },
  fire: { mode: 'single', groupBy: ['host', 'problem'], quietSec: 1800 },
  summary: (c) => `${(c.values.detail ?? []).join(', ')} on ${c.group.host}${c.values.device ? ` (device ${c.values.device.join(', ')})` : ''}`,
});
