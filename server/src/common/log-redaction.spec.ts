import pino from 'pino';
import { Writable } from 'node:stream';
import { describeError, pinoRedaction, withoutUrlSecrets } from './log-redaction';

describe(withoutUrlSecrets.name, () => {
  it.each([
    ['/till/?code=AB12CD', '/till/?code=[Redacted]'],
    ['/api/x?limit=5&token=abc.def&q=1', '/api/x?limit=5&token=[Redacted]&q=1'],
    ['/api/x?PIN=1234#frag', '/api/x?PIN=[Redacted]#frag'],
    ['/api/products?q=code', '/api/products?q=code'],
    ['/api/x?barcode=123', '/api/x?barcode=123'],
  ])('%s', (url, expected) => expect(withoutUrlSecrets(url)).toBe(expected));
});

describe('pino with the hub\'s redaction', () => {
  it('masks credentials wherever they sit in a logged object', () => {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => { out += c; cb(); } });
    const { redact } = pinoRedaction();
    const sut = pino({ redact }, sink);
    sut.info({
      password: 'pw-top', user: { passwordHash: '$argon2id$nested', pin_hash: 'pinhash', email: 'kept@example.test' },
      till: { auth: { token: 'tok-deep' } }, enrolmentCode: 'ENROL1', req: { headers: { cookie: 'sf_session=c00kie', authorization: 'Bearer b3arer' } },
      res: { headers: { 'set-cookie': 'sf_session=new' } }, err: { code: '23505', detail: 'Key (email)=(x@y) already exists.' },
    }, 'hello');
    for (const secret of ['pw-top', '$argon2id$nested', 'pinhash', 'tok-deep', 'ENROL1', 'c00kie', 'b3arer', 'sf_session=new', 'x@y']) expect(out).not.toContain(secret);
    expect(out).toContain('kept@example.test');
    expect(JSON.parse(out).err.code).toBe('23505'); // error codes are not credentials
  });
});

describe(describeError.name, () => {
  it('gives a database error\'s code and names, and drops the values PostgreSQL quotes in its message', () => {
    // As node-postgres reports a failed query it ran itself (no SQL in front, no cleaning at the source).
    const raw = Object.assign(new Error('invalid input syntax for type uuid: "s3cr3t-value"'), { severity: 'ERROR', code: '22P02', routine: 'string_to_uuid', detail: 'x' });
    const sut = describeError(raw);
    expect(sut.split('\n')[0]).toBe('Error [22P02] (routine string_to_uuid): invalid input syntax for type uuid: …');
    expect(sut).not.toContain('s3cr3t');
    expect(sut).toContain('    at ');
  });

  it('gives any other error as its stack', () => {
    const e = new TypeError('boom');
    expect(describeError(e)).toBe(e.stack);
    expect(describeError('plain')).toBe('plain');
  });
});
