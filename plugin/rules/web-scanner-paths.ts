/**
 * Vulnerability scanners: requests for paths no legitimate visitor asks for on most sites
 * (/wp-login.php, /.env, /.git/, phpMyAdmin, ...). Fires when one client probes at least 2
 * different such paths within 10 minutes, so a single stray request does not alert.
 */
import { defineRule } from '../sdk.js';
import { decodeOnce } from '../lib/text.js';

/** Lower-cased path prefixes (or exact files) scanners request. */
const SCANNER_PATHS = [
  '/wp-login.php', '/wp-admin', '/xmlrpc.php', '/wp-content/plugins/', '/wp-includes/', '/.env', '/.git/', '/.git/config', '/.svn/', '/.hg/',
  '/.ds_store', '/.aws/', '/.ssh/', '/.htpasswd', '/.htaccess', '/phpmyadmin', '/pma/', '/myadmin', '/adminer', '/phpinfo.php', '/info.php',
  '/server-status', '/cgi-bin/', '/vendor/phpunit', '/boaform/', '/actuator', '/solr/', '/console/', '/manager/html', '/hnap1', '/shell',
  '/config.php', '/config.json', '/backup.zip', '/backup.sql', '/dump.sql', '/.well-known/security.txt.bak', '/owa/auth', '/autodiscover/autodiscover.xml',
  '/telescope/', '/_ignition/', '/debug/default/view', '/geoserver/', '/remote/login', '/druid/',
];

function scannerPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const p = decodeOnce(path).toLowerCase();
  const q = p.indexOf('?');
  const stem = q < 0 ? p : p.slice(0, q);
  return SCANNER_PATHS.find((s) => stem === s || stem.startsWith(s.endsWith('/') ? s : s + '/') || stem === s.replace(/\/$/, '') || (s.endsWith('.php') && stem.endsWith(s)));
}

export default defineRule({
  id: 'web-scanner-paths',
  title: 'Web vulnerability scanner',
  description: 'One client requested at least 2 different well-known scanner paths (/wp-login.php, /.env, /.git/, ...) within 10 minutes.',
  severity: 'medium',
  tags: ['attack.reconnaissance', 'attack.t1595.002', 'attack.t1595.003'],
  match: { kinds: ['web_access'] },
  extract(e) {
    const hit = scannerPath(e.fields.http_path);
    if (!hit || !e.fields.src_ip) return null;
    return { src_ip: e.fields.src_ip, path: e.fields.http_path, probe: hit, status: e.fields.http_status, user_agent: e.fields.user_agent };
  },
  fire: { mode: 'distinct', field: 'probe', threshold: 2, windowSec: 600, groupBy: ['src_ip'] },
  summary: (c) => `${c.group.src_ip} probed scanner paths: ${(c.values.path ?? []).join(', ')}`,
});
