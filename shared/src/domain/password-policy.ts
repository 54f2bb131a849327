/**
 * The password rule for new accounts, kept simple enough to explain in one sentence: at least
 * PASSWORD_MIN_LENGTH characters, at least 3 different characters, not only digits, and not
 * containing the e-mail's name (the part before the @). Length does most of the work (argon2id and
 * the login rate limit do the rest); the other checks refuse the passwords people pick first
 * ("0000000000", "1234567890", "jane.doe2024" for jane.doe@…), which length alone lets through.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_RULE = `at least ${PASSWORD_MIN_LENGTH} characters, at least 3 different characters, not only digits, and not containing your e-mail name`;

/** Why a new password is refused (null when it is fine). Length below the minimum is the schema's `min`. */
export function passwordProblem(password: string, email: string): string | null {
  if (/^\d+$/.test(password)) return `The password must not be only digits: use ${PASSWORD_RULE}`;
  if (new Set(password).size < 3) return `The password needs at least 3 different characters: use ${PASSWORD_RULE}`;
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  // Very short names (a@…) would forbid common letters; below 3 characters they say nothing.
  if (local.length >= 3 && password.toLowerCase().includes(local)) {
    return `The password must not contain the e-mail name "${local}": use ${PASSWORD_RULE}`;
  }
  return null;
}
