import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientAddressResolver, forwardedNodesFromRight, parseNode, xffNodesFromRight } from './client-address.js';

const xff = (trustedProxies: string[]) => new ClientAddressResolver({ trustedProxies, header: 'x-forwarded-for' });
const fwd = (trustedProxies: string[]) => new ClientAddressResolver({ trustedProxies, header: 'forwarded' });

describe('ClientAddressResolver (X-Forwarded-For)', () => {
  it('is the socket peer when no proxy is trusted, whatever the headers say', () => {
    const r = xff([]);
    assert.equal(r.resolve('::ffff:198.51.100.7', { 'x-forwarded-for': '203.0.113.9' }), '198.51.100.7');
    assert.equal(r.resolve('2001:db8::5', { 'x-forwarded-for': '203.0.113.9' }), '2001:db8::5');
  });

  it('ignores the header from a peer that is not a trusted proxy', () => {
    assert.equal(xff(['10.0.0.0/8']).resolve('198.51.100.7', { 'x-forwarded-for': '203.0.113.9' }), '198.51.100.7');
  });

  it('takes the client a trusted proxy names; the peer stays without a header', () => {
    const r = xff(['10.0.0.1']);
    assert.equal(r.resolve('::ffff:10.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), '203.0.113.9');
    assert.equal(r.resolve('10.0.0.1', {}), '10.0.0.1');
  });

  it('walks from the right, skipping trusted hops, and stops at the first untrusted address', () => {
    const r = xff(['10.0.0.0/8', '192.168.1.1/32']);
    const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.2.3.4, 192.168.1.1' };
    assert.equal(r.resolve('10.0.0.1', headers), '203.0.113.9');
  });

  it('takes the leftmost address when every hop is trusted', () => {
    assert.equal(xff(['10.0.0.0/8']).resolve('10.0.0.1', { 'x-forwarded-for': '10.9.9.9, 10.1.1.1' }), '10.9.9.9');
  });

  it('never parses what the client wrote left of its own address', () => {
    const r = xff(['10.0.0.0/8']);
    assert.equal(r.resolve('10.0.0.1', { 'x-forwarded-for': 'junk, 10.0.0.3, 203.0.113.9' }), '203.0.113.9');
    assert.equal(r.resolve('10.0.0.1', { 'x-forwarded-for': 'not an address,,203.0.113.9' }), '203.0.113.9');
  });

  it('keeps the peer when the walk reaches an entry that is not an address', () => {
    const r = xff(['10.0.0.0/8']);
    for (const header of ['unknown', '203.0.113.9, garbage', '203.0.113.9, 10.0.0.2, 999.1.1.1', '203.0.113.9:99999']) {
      assert.equal(r.resolve('10.0.0.1', { 'x-forwarded-for': header }), '10.0.0.1', header);
    }
  });

  it('reads header lines node joined, and ports proxies add', () => {
    const r = xff(['10.0.0.0/8']);
    assert.equal(r.resolve('10.0.0.1', { 'x-forwarded-for': '203.0.113.9:4711' }), '203.0.113.9');
    assert.equal(r.resolve('10.0.0.1', { 'x-forwarded-for': '[2001:DB8::7]:4711, 10.0.0.9' }), '2001:db8::7');
    assert.equal(r.resolve('10.0.0.1', { 'x-forwarded-for': '::ffff:203.0.113.9' }), '203.0.113.9');
  });

  it('does not read Forwarded when configured for X-Forwarded-For', () => {
    assert.equal(xff(['10.0.0.0/8']).resolve('10.0.0.1', { forwarded: 'for=203.0.113.9' }), '10.0.0.1');
  });
});

describe('ClientAddressResolver (Forwarded, RFC 7239)', () => {
  it('takes the for= of the elements, walking from the right', () => {
    const r = fwd(['10.0.0.0/8']);
    const forwarded = 'for=198.51.100.1, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.5;by=10.0.0.1';
    assert.equal(r.resolve('10.0.0.1', { forwarded }), '2001:db8:cafe::17');
    assert.equal(r.resolve('10.0.0.1', { forwarded: 'For="203.0.113.9:80"' }), '203.0.113.9');
  });

  it('keeps the peer for unknown, obfuscated or missing for= (RFC 7239 section 6)', () => {
    const r = fwd(['10.0.0.0/8']);
    const broken = ['for=unknown', 'for=_hidden', 'proto=https', 'for=203.0.113.9;for=203.0.113.8', 'for="open'];
    for (const forwarded of broken) {
      assert.equal(r.resolve('10.0.0.1', { forwarded }), '10.0.0.1', forwarded);
    }
  });

  it('lets a broken prefix from the client swallow only its own part', () => {
    const r = fwd(['10.0.0.0/8']);
    assert.equal(r.resolve('10.0.0.1', { forwarded: 'for="10.0.0.7, for=203.0.113.9' }), '203.0.113.9');
    assert.equal(r.resolve('10.0.0.1', { forwarded: 'for=1.1.1.1;x="a,\\"b", for=203.0.113.9' }), '203.0.113.9');
  });

  it('does not read X-Forwarded-For when configured for Forwarded', () => {
    assert.equal(fwd(['10.0.0.0/8']).resolve('10.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), '10.0.0.1');
  });
});

describe('forwarding header parsing', () => {
  it('splits X-Forwarded-For right to left', () => {
    assert.deepEqual([...xffNodesFromRight(' 192.0.2.1 ,2001:db8::1, x ')], [undefined, '2001:db8::1', '192.0.2.1']);
  });

  it('splits Forwarded right to left, minding quoted commas and escaped quotes', () => {
    const value = 'for=192.0.2.1;ext="a, b", for="[::1]";ext="\\\\", for=192.0.2.3';
    assert.deepEqual([...forwardedNodesFromRight(value)], ['192.0.2.3', '::1', '192.0.2.1']);
  });

  it('parses nodes with and without ports', () => {
    assert.equal(parseNode('192.0.2.1'), '192.0.2.1');
    assert.equal(parseNode('192.0.2.1:80'), '192.0.2.1');
    assert.equal(parseNode('[::1]'), '::1');
    assert.equal(parseNode('fe80::1%eth0'), undefined);
    assert.equal(parseNode('[192.0.2.1]'), undefined);
    assert.equal(parseNode('192.0.2.1:'), undefined);
    assert.equal(parseNode('example.com'), undefined);
  });
});
