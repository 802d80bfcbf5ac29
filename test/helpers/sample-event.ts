/** One fully populated sshd failure event (every optional column set), the base of codec tests' variants. */
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

export const sshFailureEvent: LogEvent = {
  id: '0123456789abcdef0123456789abcdef',
  time: '2026-11-21T10:00:00.000Z',
  time_source: 'line',
  received_at: '2026-11-21T10:00:01.500Z',
  host: 'web1',
  source: { kind: 'auth', tag: 'linux.auth', path: '/var/log/auth.log', offset: 1234 },
  severity: 'warning',
  message: 'Failed password for invalid user admin from 203.0.113.9 port 4022 ssh2',
  fields: { user: 'admin', src_ip: '203.0.113.9', src_port: 4022 },
  agent_host: 'web1.example.com',
  program: 'sshd',
  pid: 812,
};
