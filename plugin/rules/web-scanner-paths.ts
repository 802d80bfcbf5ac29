/**
 * Vulnerability scanners: requests for paths no legitimate visitor asks for on most sites
 * (/wp-login.php, /.env, /.git/, phpMyAdmin, ...). Fires when one client probes at least 2
 * different such paths within 10 minutes, so a single stray request does not alert.
 */
import { defineRule } from '../sdk.js';
import { decodedLower } from '../lib/text.js';

/**
 * Lower-cased first path segments scanners request (the segment itself or anything under it), and
 * the few multi-segment prefixes. Looked up per segment, so each request costs a couple of Set
 * lookups, not a scan of the list.
 */
const FIRST_SEGMENTS = new Set([
  '/wp-login.php', '/wp-admin', '/xmlrpc.php', '/wp-includes', '/.env', '/.git', '/.svn', '/.hg', '/.ds_store', '/.aws', '/.ssh',
  '/.htpasswd', '/.htaccess', '/phpmyadmin', '/pma', '/myadmin', '/adminer', '/adminer.php', '/phpinfo.php', '/info.php', '/server-status',
  '/cgi-bin', '/boaform', '/actuator', '/solr', '/console', '/hnap1', '/shell', '/config.php', '/config.json', '/backup.zip', '/backup.sql',
  '/dump.sql', '/telescope', '/_ignition', '/geoserver', '/druid', '/.well-known/security.txt.bak',
]);
const PREFIXES = ['/wp-content/plugins/', '/vendor/phpunit', '/manager/html', '/owa/auth', '/autodiscover/autodiscover.xml', '/debug/default/view', '/remote/login'];

function scannerPath(path: string | undefined): string | undefined {
  if (!path || path.length < 3) return undefined;
  const p = decodedLower(path);
  const q = p.indexOf('?');
  const stem = q < 0 ? p : p.slice(0, q);
  const slash = stem.indexOf('/', 1);
  const first = slash < 0 ? stem : stem.slice(0, slash);
  if (FIRST_SEGMENTS.has(first)) return first;
  for (const prefix of PREFIXES) if (stem.startsWith(prefix)) return prefix;
  // wp-login.php / xmlrpc.php under a sub-directory WordPress install scan (/blog/wp-login.php)
  if (stem.endsWith('/wp-login.php') || stem.endsWith('/xmlrpc.php')) return stem.slice(stem.lastIndexOf('/'));
  return undefined;
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
