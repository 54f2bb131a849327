import type { IncomingMessage } from 'node:http';
import { parseTrustProxy } from '../config/config';
import { compileTrust } from './client-address';
import proxyaddr from 'proxy-addr';

/** A request as it arrives: the socket's peer and the X-Forwarded-For it carries. */
const request = (peer: string, xff?: string) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['10.0.0.5, 10.0.1.0/24', ['10.0.0.5', '10.0.1.0/24']],
    ['loopback', ['loopback']],
  ])('%s is %j', (raw, setting) => {
    expect(parseTrustProxy(raw)).toEqual(setting);
  });

  it.each(['true', '11', '10.0.0.300', 'proxy.example'])('refuses %s with a reason', (raw) => {
    expect(typeof parseTrustProxy(raw)).toBe('string');
  });

  const addressOf = (setting: string | undefined, peer: string, xff?: string) => {
    const parsed = parseTrustProxy(setting);
    if (typeof parsed === 'string') throw new Error(parsed);
    return proxyaddr(request(peer, xff), compileTrust(parsed));
  };

  it('by default ignores X-Forwarded-For: the client is the socket\'s peer', () => {
    expect(addressOf(undefined, '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
  });

  it('believes only the hops it is told to', () => {
    expect(addressOf('1', '10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf('2', '10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('6.6.6.6');
  });

  it('believes a listed proxy, and nobody else', () => {
    expect(addressOf('10.0.1.0/24', '10.0.1.7', '203.0.113.9')).toBe('203.0.113.9');
    // a client that forges the header itself, connecting directly
    expect(addressOf('10.0.1.0/24', '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
    // a forged entry in front of what the proxy appended is not believed
    expect(addressOf('10.0.1.0/24', '10.0.1.7', '1.2.3.4, 203.0.113.9')).toBe('203.0.113.9');
  });
});
