/**
 * The benchmarks' record mix: sshd failures from many IPs, nginx access lines, JSON app logs,
 * syslog. One module, so bench:ingest and bench:storage measure the same thing.
 */
export function line(i: number): { file: string; kind: string; log: string } {
  const ip = `198.51.${(i >> 8) & 255}.${i & 255}`;
  switch (i % 4) {
    case 0: return { file: '/var/log/auth.log', kind: 'auth', log: `Nov 21 10:${String((i >> 6) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web1 sshd[${3000 + (i % 900)}]: Failed password for invalid user user${i % 50} from ${ip} port ${40000 + (i % 20000)} ssh2` };
    case 1: return { file: '/var/log/nginx/access.log', kind: 'web_access', log: `${ip} - - [21/Nov/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /api/items/${i} HTTP/1.1" ${i % 10 ? 200 : 404} ${500 + (i % 900)} "-" "Mozilla/5.0 (X11; Linux x86_64)"` };
    case 2: return { file: '/var/log/myapp/orders.log', kind: 'app', log: JSON.stringify({ time: '2026-11-21T10:00:01.120Z', level: i % 7 ? 'info' : 'error', msg: `order ${i} processed in ${i % 300} ms`, order_id: `A-${i}`, user: `u${i % 100}` }) };
    default: return { file: '/var/log/syslog', kind: 'syslog', log: `Nov 21 10:00:${String(i % 60).padStart(2, '0')} web1 systemd[1]: Started session ${i} of user u${i % 100}.` };
  }
}
