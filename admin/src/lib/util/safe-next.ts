/** Where to go after sign-in: only a path on this origin (never `//evil.example` or `https://…`). */
export function safeNext(next: string | null | undefined, fallback = '/fleet'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login/')) return fallback;
  return next;
}
