import { decodeHidPosReport, HidScanAssembler } from './hid-decoder.js';

/** A 63-byte HID POS scanned-data report: [len, aim×3, data…, continuation at 62]. */
function report(text: string, aim = ']E0', more = false, size = 63): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes[0] = text.length;
  for (let i = 0; i < 3; i++) bytes[1 + i] = aim.charCodeAt(i) || 0;
  for (let i = 0; i < text.length; i++) bytes[4 + i] = text.charCodeAt(i);
  if (size > 62) bytes[62] = more ? 1 : 0;
  return bytes;
}

describe(decodeHidPosReport.name, () => {
  it('reads the data after the length/symbology header as ASCII', () => {
    expect(decodeHidPosReport(report('4006381333931'))).toEqual({ aim: ']E0', text: '4006381333931', more: false });
  });

  it('stops at padding and trailing CR/LF, and tolerates a missing AIM id', () => {
    const r = report('ABC123\r', '\0\0\0');
    expect(decodeHidPosReport(r)).toEqual({ aim: null, text: 'ABC123', more: false });
  });

  it('reads the continuation flag and never reads it as data', () => {
    const r = report('X'.repeat(58), ']d2', true);
    const part = decodeHidPosReport(r);
    expect(part.more).toBe(true);
    expect(part.text).toBe('X'.repeat(58));
  });

  it('handles short reports without a continuation byte', () => {
    expect(decodeHidPosReport(report('12345678', ']E4', false, 20))).toEqual({ aim: ']E4', text: '12345678', more: false });
    expect(decodeHidPosReport(new Uint8Array(2))).toEqual({ aim: null, text: '', more: false });
  });
});

describe(HidScanAssembler.name, () => {
  it('joins a scan spread over several reports', () => {
    const sut = new HidScanAssembler();
    expect(sut.push(decodeHidPosReport(report('0109506000134352', ']d2', true)))).toBeNull();
    expect(sut.push(decodeHidPosReport(report('10ABC', ']d2', false)))).toEqual({ text: '0109506000134352' + '10ABC', aim: ']d2' });
    expect(sut.push(decodeHidPosReport(report('1', ']E0')))).toEqual({ text: '1', aim: ']E0' });
  });
});
