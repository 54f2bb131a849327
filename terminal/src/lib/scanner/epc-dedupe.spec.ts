import { EpcDedupe, normaliseEpc } from './epc-dedupe.js';

const EPC = '3074257BF7194E4000001A85';

describe(EpcDedupe.name, () => {
  it('lets each tag through once per session however often it is read', () => {
    const sut = new EpcDedupe();
    const reads = [EPC, EPC.toLowerCase(), ` ${EPC} `, '3074257BF7194E4000001A86', EPC];
    expect(reads.map((r) => sut.accept(r))).toEqual([EPC, null, null, '3074257BF7194E4000001A86', null]);
    expect(sut.size).toBe(2);
    sut.reset();
    expect(sut.accept(EPC)).toBe(EPC);
  });

  it('ignores lines that are not EPCs', () => {
    const sut = new EpcDedupe();
    expect(sut.accept('READER READY')).toBeNull();
    expect(sut.accept('12345')).toBeNull();
    expect(sut.size).toBe(0);
  });
});

describe(normaliseEpc.name, () => {
  it('accepts common reader formats', () => {
    expect(normaliseEpc('urn:epc:raw:' + EPC)).toBe(EPC);
    expect(normaliseEpc('EPC:30 74 25 7B F7 19 4E 40 00 00 1A 85')).toBe(EPC);
    expect(normaliseEpc('30-74-25-7B-F7-19-4E-40-00-00-1A-85')).toBe(EPC);
    expect(normaliseEpc('3074257BF7194E4000001A8')).toBeNull();
  });
});
