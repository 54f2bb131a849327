import { addressBucket, enrolLimits, loginLimits, pinLimits, PIN_LIMITS } from './limit-policy';

describe('addressBucket', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    [null, 'unknown'],
  ])('%s counts as %s', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });

  it('puts every address of one /64 in one bucket and neighbouring /64s apart', () => {
    expect(addressBucket('2001:db8:a:b:1::1')).toBe(addressBucket('2001:db8:a:b:ffff:ffff:ffff:ffff'));
    expect(addressBucket('2001:db8:a:b::1')).not.toBe(addressBucket('2001:db8:a:c::1'));
  });
});

describe('credential limits', () => {
  it('caps a store below two tills\' worth of PIN guesses', () => {
    expect(PIN_LIMITS.perStorePerMinute).toBeLessThan(2 * PIN_LIMITS.perTillPerMinute);
    const rules = pinLimits({ terminalId: 't1', storeId: 's1' });
    expect(rules.map((r) => [r.name, r.subject])).toEqual([['pin.till', 't1'], ['pin.store', 's1'], ['pin.store_hour', 's1']]);
  });

  it('counts sign-ins by account whatever its case, never with the e-mail in the key', () => {
    const a = loginLimits('Ann@Example.com', '203.0.113.7');
    const b = loginLimits('ann@example.com ', '203.0.113.7');
    expect(a).toEqual(b);
    expect(a.map((r) => r.name)).toEqual(['login.account_address', 'login.account', 'login.address']);
    expect(a.some((r) => r.subject.includes('example'))).toBe(false);
    expect(a[2].subject).toBe('203.0.113.7');
  });

  it('takes the enrolment limit from the configuration', () => {
    expect(enrolLimits('2001:db8::5', 30)).toEqual([{ name: 'enrol.address', subject: '2001:db8:0:0::/64', limit: 30, windowSeconds: 60 }]);
  });
});
