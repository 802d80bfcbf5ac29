/**
 * CIDR membership for Sigma `|cidr`. Not node:net BlockList: its check() builds a SocketAddress
 * per call, which showed up as a top cost in the rules benchmark. Addresses are parsed into
 * 32-bit words and compared under the prefix mask.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 → one word, IPv6 → four words (IPv4-mapped IPv6 stays IPv6), anything else → undefined. */
export function ipWords(ip: string): number[] | undefined {
  if (ip.length > 45) return undefined;
  if (isIPv4(ip)) {
    const p = ip.split('.');
    return [((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0];
  }
  if (!isIPv6(ip)) return undefined;
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded dotted IPv4 tail becomes two hex groups.
  const dot = text.lastIndexOf('.');
  if (dot >= 0) {
    const colon = text.lastIndexOf(':');
    const v4 = ipWords(text.slice(colon + 1))![0]!;
    text = `${text.slice(0, colon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((parseInt(groups[i]!, 16) << 16) | parseInt(groups[i + 1]!, 16)) >>> 0);
  return words;
}

export type CidrTest = (ip: string) => boolean;

/** Compiles "10.0.0.0/8" or "fc00::/7"; throws on a malformed network. */
export function compileCidr(cidr: string): CidrTest {
  const [net, bitsText, ...rest] = cidr.trim().split('/');
  const words = net && !rest.length ? ipWords(net) : undefined;
  if (!words) throw new Error(`bad CIDR ${cidr}`);
  const width = words.length * 32;
  // Digits only: Number('') is 0, and a "/0" read from "10.0.0.0/" would match every address.
  const bits = bitsText === undefined ? width : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > width) throw new Error(`bad CIDR prefix in ${cidr}`);
  const masks = words.map((_, i) => {
    const b = Math.max(0, Math.min(32, bits - i * 32));
    return b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  });
  const want = words.map((w, i) => (w & masks[i]!) >>> 0);
  return (ip) => {
    const got = parsedIp(ip);
    if (!got || got.length !== want.length) return false;
    for (let i = 0; i < want.length; i++) if (((got[i]! & masks[i]!) >>> 0) !== want[i]) return false;
    return true;
  };
}

/**
 * ipWords with a one-slot memo: SigmaHQ tests one event's address against dozens of private and
 * reserved ranges (rule after rule), so it is parsed once, not once per range.
 */
let lastIp: string | undefined;
let lastWords: number[] | undefined;
function parsedIp(ip: string): number[] | undefined {
  if (ip !== lastIp) {
    lastIp = ip;
    lastWords = ipWords(ip);
  }
  return lastWords;
}
