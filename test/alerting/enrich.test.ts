/** IP enrichment: address classes by range, and the local npm-shipped geo/ASN database. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyIp } from '../../alert-service/src/alerting/enrich/ip-scope.js';
import { LocalGeoDatabase } from '../../alert-service/src/alerting/enrich/geoip.js';
import { IpEnricher, describeIpShort } from '../../alert-service/src/alerting/enrich/enricher.js';
import { loadConfig } from '../../alert-service/src/config/load.js';

describe('IP address classes', () => {
  const cases: [string, string][] = [
    ['10.2.3.4', 'private'],
    ['172.31.255.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['192.0.2.55', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['2001:db8:1::5', 'documentation'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['3fff:1::1', 'documentation'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['2002:a00:1::1', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['fec0::1', 'reserved'],
    ['::127.0.0.1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['2001:4860::8888', 'public'],
  ];
  for (const [ip, scope] of cases) it(`${ip} → ${scope}`, () => assert.equal(classifyIp(ip)?.scope, scope));
  it('non-addresses are not classified', () => assert.equal(classifyIp('web-1'), undefined));
});

describe('local geo database (GeoLite2 City mmdb + ASN ranges from npm)', () => {
  it('looks up country, city and ASN without any network access', async () => {
    const geo = new LocalGeoDatabase();
    await geo.load();
    const google = geo.lookup('8.8.8.8')!;
    assert.equal(google.country, 'US');
    assert.equal(google.asn, 15169);
    assert.match(google.as_org ?? '', /google/i);
    const gb = geo.lookup('81.2.69.142')!;
    assert.equal(gb.country, 'GB');
    assert.ok(gb.city, 'a city for a well-known test address');
    const cf6 = geo.lookup('2606:4700:4700::1111')!;
    assert.equal(cf6.asn, 13335);
    // IPv4-mapped, as dual-stack servers log IPv4 clients.
    for (const mapped of ['::ffff:8.8.8.8', '::FFFF:808:808']) assert.deepEqual(geo.lookup(mapped), google, mapped);
    const enricher = new IpEnricher(geo);
    const [e] = enricher.enrich({ group: { src_ip: '8.8.8.8' } });
    assert.equal(e!.key, 'group.src_ip');
    assert.match(describeIpShort(e!), /^8\.8\.8\.8 \(.*US; AS15169 /);
    assert.deepEqual(enricher.enrich({ group: {}, fields: { client_ip: '10.0.0.1', user: '1.2.3.4' } }).map((x) => x.ip), ['10.0.0.1']);
  });
});

describe('alerting config', () => {
  it('has defaults for every key and takes secrets from the environment', () => {
    const cfg = loadConfig({
      env: {
        LOGWARD_ALERTING_CHANNELS_EMAIL_AUTH_PASS: 'app-password',
        LOGWARD_ALERTING_CHANNELS_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
        LOGWARD_ALERTING_CHANNELS_EMAIL_TO: 'a@example.com, b@example.com',
      },
    }).alerting;
    assert.equal(cfg.channels.email.auth.pass, 'app-password');
    assert.deepEqual(cfg.channels.email.to, ['a@example.com', 'b@example.com']);
    assert.equal(cfg.channels.slack.webhook_url, 'https://hooks.slack.com/services/T/B/X');
    assert.equal(cfg.default_policy.group_wait_s, 30);
    assert.deepEqual(cfg.policies[0]!.match.severity, ['critical']);
    assert.equal(cfg.policies[0]!.group_wait_s, 0);
    assert.equal(cfg.outbox.max_attempts, 10);
    assert.equal(cfg.digest.hour, 7);
  });
});

describe('enrichment in the module', () => {
  it('start() loads the shared geo database; alerts in the API and messages carry country and ASN', async () => {
    const { createAlertingModule, alertingConfig } = await import('../../alert-service/src/alerting/index.js');
    const { ManualClock, RecordingNotifier, memoryDb, signal } = await import('./helpers.js');
    const slack = new RecordingNotifier('slack');
    const logs: string[] = [];
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false } }),
      publicUrl: 'https://logward.example',
      clock: new ManualClock(),
      notifiers: { slack },
      log: (m) => logs.push(m),
    });
    mod.start();
    await mod.geoReady();
    assert.ok(logs.some((l) => /geoip database loaded/.test(l)), logs.join('\n'));
    mod.emit(signal({ severity: 'critical', group: { src_ip: '8.8.8.8' } }));
    await mod.flush();
    const [alert] = mod.listAlerts({ limit: 1 });
    assert.equal(alert!.enrichment![0]!.country, 'US');
    assert.equal(alert!.enrichment![0]!.asn, 15169);
    assert.match(JSON.stringify(slack.sent[0]), /8\.8\.8\.8 \([^)]*US; AS15169/);
    await mod.stop();
  });
});
