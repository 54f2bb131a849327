import { LineFramer } from './line-framer.js';

describe(LineFramer.name, () => {
  it('splits on CR, LF and CRLF and drops empty lines', () => {
    const sut = new LineFramer();
    expect(sut.push('123\r\n456\n789\r\r\n')).toEqual(['123', '456', '789']);
  });

  it('joins a code split across chunks, including a CRLF split between chunks', () => {
    const sut = new LineFramer();
    expect(sut.push('40063')).toEqual([]);
    expect(sut.push('81333931\r')).toEqual(['4006381333931']);
    expect(sut.push('\n123')).toEqual([]);
    expect(sut.flush()).toBe('123');
  });

  it('decodes bytes, with multi-byte characters straddling chunks', () => {
    const sut = new LineFramer();
    const bytes = new TextEncoder().encode('ÄB\r\n');
    expect(sut.pushBytes(bytes.slice(0, 1))).toEqual([]);
    expect(sut.pushBytes(bytes.slice(1))).toEqual(['ÄB']);
  });

  it('strips STX/ETX wrappers but keeps the GS1 group separator', () => {
    const sut = new LineFramer();
    expect(sut.push('\x020109506000134352\x1d10ABC\x03\r\n')).toEqual(['0109506000134352\x1d10ABC']);
  });

  it('discards an endless line instead of growing', () => {
    const sut = new LineFramer(16);
    expect(sut.push('x'.repeat(40))).toEqual([]);
    expect(sut.push('ok\n')).toEqual(['ok']);
  });
});
