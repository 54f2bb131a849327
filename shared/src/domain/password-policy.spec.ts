import fc from 'fast-check';
import { CreateUserSchema } from '../api/auth';
import { PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy';

const user = (password: string, email = 'jane.doe@example.com') => ({ email, name: 'Jane', password, role: 'manager' as const });

describe(passwordProblem.name, () => {
  it.each([
    ['only digits', '1234567890', /only digits/],
    ['one character repeated', 'aaaaaaaaaaaa', /3 different characters/],
    ['two characters', 'abababababab', /3 different characters/],
    ['the e-mail name', 'jane.doe2024!', /e-mail name "jane\.doe"/],
    ['the e-mail name in capitals', 'xxJANE.DOExx', /e-mail name/],
  ])('refuses %s', (_name, password, message) => {
    expect(passwordProblem(password, 'jane.doe@example.com')).toMatch(message);
  });

  it.each(['correct horse battery', 'Kassen-2026-Nord', '商店密码很安全啊哦'])('accepts %j', (password) => {
    expect(passwordProblem(password, 'jane.doe@example.com')).toBeNull();
  });

  it('ignores e-mail names shorter than 3 characters (they would forbid ordinary letters)', () => {
    expect(passwordProblem('a-long-password', 'a@example.com')).toBeNull();
  });

  it('accepts any password of three or more distinct characters with a letter and without the e-mail name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: PASSWORD_MIN_LENGTH, maxLength: 40 }), (pw) => {
        const expected = /^\d+$/.test(pw) || new Set(pw).size < 3 || pw.toLowerCase().includes('jane.doe');
        expect(passwordProblem(pw, 'jane.doe@example.com') !== null).toBe(expected);
      }),
    );
  });
});

describe('CreateUserSchema password rule', () => {
  it('explains the rule on the password field', () => {
    const r = CreateUserSchema.safeParse(user('1234567890'));
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([expect.objectContaining({ path: ['password'], message: expect.stringMatching(/at least 10 characters, at least 3 different characters, not only digits/) })]);
  });

  it('refuses short passwords by length, and controls in a password', () => {
    expect(CreateUserSchema.safeParse(user('short')).error!.issues[0]).toMatchObject({ path: ['password'], code: 'too_small' });
    expect(CreateUserSchema.safeParse(user('long-enough\u0000pw')).success).toBe(false);
  });

  it('accepts a sensible password and cleans the name', () => {
    const r = CreateUserSchema.parse({ ...user('long-enough-pw'), name: '  Jane\u0020Doe ' });
    expect(r.name).toBe('Jane Doe');
  });
});
