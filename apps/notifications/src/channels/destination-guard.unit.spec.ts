import { checkDestination, isPrivateAddress, PRIVATE_DESTINATION, resolveDestination, type LookupAll } from './destination-guard';

/** A DNS stand-in: each name resolves to the given addresses; others fail like getaddrinfo does. */
const fakeDns = (names: Record<string, string[]>) => {
  const asked: string[] = [];
  const lookup: LookupAll = async (hostname) => {
    asked.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, asked };
};

describe('isPrivateAddress', () => {
  it.each([
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['10.0.0.5', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['100.64.0.1', 'CGNAT 100.64/10'],
    ['100.127.255.255', 'CGNAT 100.64/10'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local (deprecated)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:10.0.0.5', 'IPv4-mapped private'],
    ['64:ff9b::10.0.0.5', 'NAT64 of a private IPv4'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['2002:7f00:1::1', '6to4'],
    ['[::1]', 'in brackets'],
    ['not an address', 'not an IP at all'],
    ['', 'empty'],
  ])('%s is private (%s)', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    ['93.184.216.34'],
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['172.15.255.255'],
    ['172.32.0.1'],
    ['100.63.255.255'],
    ['100.128.0.1'],
    ['192.169.0.1'],
    ['169.255.0.1'],
    ['223.255.255.255'],
    ['2606:4700:4700::1111'],
    ['2a00:1450:4001:81b::200e'],
    ['::ffff:93.184.216.34'],
    ['64:ff9b::8.8.8.8'],
  ])('%s is public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});

describe('checkDestination', () => {
  const refused = { allowPrivate: false } as const;

  it('lets everything through, unresolved, when private destinations are allowed (the embedded default)', async () => {
    const dns = fakeDns({});
    for (const url of ['http://127.0.0.1:9/x', 'http://169.254.169.254/', 'http://localhost:4000/okr', 'https://nowhere.invalid/']) {
      expect(await checkDestination(url, { allowPrivate: true, lookup: dns.lookup })).toEqual({ ok: true });
    }
    expect(dns.asked).toEqual([]);
  });

  it.each([
    'http://127.0.0.1:9/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://[::1]:8080/',
    'http://[fd00::5]/',
    'http://[::ffff:127.0.0.1]/',
    'http://0x7f.1/', // WHATWG URL: 127.0.0.1
    'http://2130706433/', // 127.0.0.1
    'http://127.1/',
    'http://0/',
  ])('refuses the IP literal %s without asking DNS', async (url) => {
    const dns = fakeDns({});
    expect(await checkDestination(url, { ...refused, lookup: dns.lookup })).toEqual({ ok: false, code: 'private', reason: PRIVATE_DESTINATION });
    expect(dns.asked).toEqual([]);
  });

  it('accepts a public IP literal', async () => {
    expect(await checkDestination('https://93.184.216.34/hook', { ...refused, lookup: fakeDns({}).lookup })).toEqual({ ok: true });
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    const dns = fakeDns({ 'hooks.example.com': ['10.0.0.5'] });
    const check = await checkDestination('https://hooks.example.com/services/T000/B000/very-secret?token=abc', { ...refused, lookup: dns.lookup });
    expect(check).toEqual({ ok: false, code: 'private', reason: PRIVATE_DESTINATION });
    expect(dns.asked).toEqual(['hooks.example.com']);
  });

  it('refuses a name when ANY of its addresses is private', async () => {
    const dns = fakeDns({ 'mixed.example.com': ['93.184.216.34', '2606:4700::1', 'fd00::7'], 'localhost': ['::1', '127.0.0.1'] });
    expect(await checkDestination('https://mixed.example.com/', { ...refused, lookup: dns.lookup })).toMatchObject({ ok: false, code: 'private' });
    expect(await checkDestination('http://localhost:4000/okr', { ...refused, lookup: dns.lookup })).toMatchObject({ ok: false, code: 'private' });
  });

  it('accepts a name whose addresses are all public', async () => {
    const dns = fakeDns({ 'hooks.slack.com': ['34.226.36.52', '2600:1f18:24e6:b900::1'] });
    expect(await checkDestination('https://hooks.slack.com/services/T/B/x', { ...refused, lookup: dns.lookup })).toEqual({ ok: true });
  });

  it('says when a name does not resolve (no addresses, an error, or no answer in time), quoting no more than the DNS code', async () => {
    const empty: LookupAll = async () => [];
    const hanging: LookupAll = () => new Promise(() => undefined);
    const secretUrl = 'https://gone.example.com/very-secret-path?key=s3cr3t';
    const failed = await checkDestination(secretUrl, { ...refused, lookup: fakeDns({}).lookup });
    expect(failed).toEqual({ ok: false, code: 'unresolvable', reason: "the destination's host name could not be resolved (ENOTFOUND)" });
    expect(await checkDestination(secretUrl, { ...refused, lookup: empty })).toMatchObject({ ok: false, code: 'unresolvable' });
    const timedOut = await checkDestination(secretUrl, { ...refused, lookup: hanging, timeoutMs: 20 });
    expect(timedOut).toMatchObject({ ok: false, code: 'unresolvable' });
    for (const check of [failed, timedOut]) {
      expect(JSON.stringify(check)).not.toMatch(/very-secret|s3cr3t|gone\.example/);
    }
  });

  it('refuses what is not an http(s) URL', async () => {
    expect(await checkDestination('not a url', refused)).toMatchObject({ ok: false, code: 'invalid' });
    expect(await checkDestination('ftp://example.com/x', refused)).toMatchObject({ ok: false, code: 'invalid' });
    expect(await checkDestination('file:///etc/passwd', refused)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('never quotes the path or query of the URL in a reason', async () => {
    const dns = fakeDns({ 'hooks.example.com': ['10.0.0.5'] });
    for (const url of ['https://hooks.example.com/T0/B0/xyzzy?sig=plugh', 'http://127.0.0.1:9/xyzzy?sig=plugh']) {
      const check = await checkDestination(url, { ...refused, lookup: dns.lookup });
      expect(check.ok).toBe(false);
      expect(JSON.stringify(check)).not.toMatch(/xyzzy|plugh/);
    }
  });
});

describe('resolveDestination: the approved addresses, to connect to', () => {
  const refused = { allowPrivate: false } as const;

  it('returns every address a public name resolved to, once each, with its family taken from the address', async () => {
    const dns = fakeDns({ 'hooks.slack.com': ['34.226.36.52', '2600:1f18:24e6:b900::1', '34.226.36.52'] });
    expect(await resolveDestination('https://hooks.slack.com/services/T/B/x', { ...refused, lookup: dns.lookup })).toEqual({
      ok: true,
      pinned: [
        { address: '34.226.36.52', family: 4 },
        { address: '2600:1f18:24e6:b900::1', family: 6 },
      ],
    });
  });

  it('pins an IP-literal host to the literal itself, without asking DNS', async () => {
    const dns = fakeDns({});
    expect(await resolveDestination('https://93.184.216.34/hook', { ...refused, lookup: dns.lookup })).toEqual({
      ok: true,
      pinned: [{ address: '93.184.216.34', family: 4 }],
    });
    expect(await resolveDestination('http://[2606:4700::1]:8080/hook', { ...refused, lookup: dns.lookup })).toEqual({
      ok: true,
      pinned: [{ address: '2606:4700::1', family: 6 }],
    });
    expect(dns.asked).toEqual([]);
  });

  it('pins nothing when private destinations are allowed', async () => {
    expect(await resolveDestination('http://localhost:4000/okr', { allowPrivate: true, lookup: fakeDns({}).lookup })).toEqual({ ok: true });
  });

  it('refuses as checkDestination does', async () => {
    const dns = fakeDns({ 'mixed.example.com': ['93.184.216.34', '10.0.0.5'] });
    expect(await resolveDestination('https://mixed.example.com/', { ...refused, lookup: dns.lookup })).toEqual({
      ok: false,
      code: 'private',
      reason: PRIVATE_DESTINATION,
    });
    expect(await resolveDestination('https://gone.example.com/', { ...refused, lookup: dns.lookup })).toMatchObject({ ok: false, code: 'unresolvable' });
    expect(await resolveDestination('ftp://example.com/', { ...refused, lookup: dns.lookup })).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('asks DNS once: what it approved is what it returns, whatever the name resolves to next (rebinding)', async () => {
    let calls = 0;
    const rebinding: LookupAll = async () => (calls++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const resolved = await resolveDestination('https://hooks.rebind.test/x', { ...refused, lookup: rebinding });
    expect(resolved).toEqual({ ok: true, pinned: [{ address: '93.184.216.34', family: 4 }] });
    expect(calls).toBe(1);
  });
});
