/** Where dnd px listens for rank 0 (src/runtime/px-address.ts): parsing and choosing addresses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { includedAddresses, parseListenAddress, planListen, routeSource } from '../../src/runtime/px-address.js';

describe('px listen address', () => {
  it('parses ADDRESS, ADDRESS:PORT, [IPv6]:PORT and bare IPv6', () => {
    assert.deepEqual(parseListenAddress('10.0.0.5', '--address'), { host: '10.0.0.5', port: 0 });
    assert.deepEqual(parseListenAddress('10.0.0.5:7000', '--address'), { host: '10.0.0.5', port: 7000 });
    assert.deepEqual(parseListenAddress('node1.example:65535', '--address'), { host: 'node1.example', port: 65535 });
    assert.deepEqual(parseListenAddress('[fd00::5]:7000', '--address'), { host: 'fd00::5', port: 7000 });
    assert.deepEqual(parseListenAddress('fd00::5', '--address'), { host: 'fd00::5', port: 0 });
  });

  it('refuses what is not an address and port, in one line naming the flag', () => {
    for (const [text, re] of [
      ['', /no address/],
      [':7000', /no address/],
      ['10.0.0.5:70000', /port '70000' is not 0\.\.65535/],
      ['10.0.0.5:x', /port 'x'/],
      ['a b', /not an IP address or host name/],
      ['-rf', /not an IP address or host name/],
    ] as const) {
      assert.throws(() => parseListenAddress(text, '$DND_PX_ADDRESS'), (e: Error) => re.test(e.message) && e.message.startsWith('$DND_PX_ADDRESS') && !e.message.includes('\n'), text);
    }
  });

  it("Open MPI's *_if_include: CIDRs and interface names pick this machine's addresses", () => {
    const ifs = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [{ address: '192.0.2.2', family: 'IPv4', internal: false }],
      br0: [
        { address: '10.213.7.254', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
    } as unknown as ReturnType<typeof import('node:os').networkInterfaces>;
    assert.deepEqual(includedAddresses('10.213.7.0/24', ifs), ['10.213.7.254']);
    assert.deepEqual(includedAddresses('10.213.0.0/16,eth0', ifs), ['10.213.7.254', '192.0.2.2']);
    assert.deepEqual(includedAddresses('10.214.0.0/16', ifs), []);
    assert.deepEqual(includedAddresses('0.0.0.0/0', ifs), ['192.0.2.2', '10.213.7.254'], 'never loopback');
  });

  it('every rank here: loopback; a named address wins; hosts elsewhere: a route source', async () => {
    assert.deepEqual((await planListen(undefined, '--address', null, {})).addresses, ['127.0.0.1']);
    assert.deepEqual(await planListen('10.1.2.3:99', '--address', null, {}), { addresses: ['10.1.2.3'], port: 99, why: '--address' });
    // the kernel's choice toward loopback is loopback itself: a source the routes give
    assert.equal(await routeSource('127.0.0.1'), '127.0.0.1');
    const remote = await planListen(undefined, '--address', { kind: 'host', value: '127.0.0.9:1', hosts: [{ host: '127.0.0.9', slots: 1 }], from: '--host' }, {});
    assert.ok(remote.addresses.length >= 1 && remote.addresses.every((a) => !a.startsWith('127.')), `never loopback toward another host: ${remote.addresses.join(',')}`);
  });
});
