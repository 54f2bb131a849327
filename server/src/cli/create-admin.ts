import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CreateUserSchema, passwordProblem } from '@stockfleet/shared';
import { hashPassword } from '../auth/password.js';
import { loadConfig } from '../config/config.js';
import { ormConfig } from '../database/mikro-orm.config.js';

/**
 * Creates the first admin of a real deployment:
 *   npm run create-admin -w server -- --email ops@example.com --name "Ops Lead"
 * Prints a generated password once unless --password is given.
 */
async function run() {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  const input = z
    // The same name and password rules as users created in the admin app.
    .object({ email: z.email(), name: CreateUserSchema.shape.name, password: CreateUserSchema.shape.password.optional() })
    .superRefine((v, ctx) => {
      const problem = v.password === undefined ? null : passwordProblem(v.password, v.email);
      if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
    })
    .safeParse(Object.fromEntries(args));
  if (!input.success) {
    process.stderr.write(`Usage: create-admin --email E --name N [--password P]\n${input.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    process.exit(2);
  }
  const config = loadConfig(process.env, { hub: false });
  if (!config.databaseUrl) throw new Error('Set DATABASE_URL to the hub database');
  const orm = await MikroORM.init(ormConfig({ clientUrl: config.databaseUrl, poolMax: 1 }));
  const password = input.data.password ?? randomBytes(12).toString('base64url');
  try {
    const em = orm.em.fork();
    await em.transactional(async (tem) => {
      const conn = tem.getConnection();
      const ctx = tem.getTransactionContext();
      const email = input.data.email.toLowerCase();
      const existing = await conn.execute(`select 1 from app_user where email = ?`, [email], 'all', ctx);
      if (existing.length) throw new Error(`A user with e-mail ${email} exists`);
      const id = randomUUID();
      await conn.execute(`insert into app_user (id, email, name, password_hash, role, store_ids, created_at) values (?, ?, ?, ?, 'admin', '{}', now())`,
        [id, email, input.data.name, await hashPassword(password)], 'run', ctx);
      await conn.execute(`insert into audit_event (actor_type, actor_name, action, subject, details) values ('system', 'cli', 'user.created', ?, ?::jsonb)`,
        [id, JSON.stringify({ email, role: 'admin' })], 'run', ctx);
    });
    process.stdout.write(`Admin ${input.data.email} created.${input.data.password ? '' : ` Password (shown once): ${password}`}\n`);
  } finally {
    await orm.close(true);
  }
}
run().catch((e) => {
  process.stderr.write(`${e?.message ?? e}\n`);
  process.exit(1);
});
