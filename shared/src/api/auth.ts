import { z } from 'zod';
import { PASSWORD_MIN_LENGTH, passwordProblem } from '../domain/password-policy.js';
import { Secret, Text } from './text.js';

export const Role = { Admin: 'admin', Manager: 'manager', Auditor: 'auditor' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const RoleSchema = z.enum(['admin', 'manager', 'auditor']);

export const LoginSchema = z.strictObject({
  email: z.email().max(200),
  password: Secret({ min: 1, max: 200 }),
});
export type LoginInput = z.infer<typeof LoginSchema>;

export const CreateUserSchema = z.strictObject({
  email: z.email().max(200),
  name: Text({ min: 1, max: 200 }),
  password: Secret({ min: PASSWORD_MIN_LENGTH, max: 200 }),
  role: RoleSchema,
  /** Stores a manager may act on; ignored for admins (whole chain) and auditors (read everything). */
  storeIds: z.array(z.uuid()).max(1000).default([]),
}).superRefine((u, ctx) => {
  const problem = passwordProblem(u.password, u.email);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem, params: { rule: 'password' } });
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

/**
 * A change to a user by an admin: only the fields given change. Disabling, or changing role or stores,
 * ends every session of that user (the new scope applies from the next sign-in, and open sockets close).
 */
export const UpdateUserSchema = z
  .strictObject({
    name: CreateUserSchema.shape.name.optional(),
    role: RoleSchema.optional(),
    /** A manager's stores; with a role other than manager they are cleared. */
    storeIds: z.array(z.uuid()).max(1000).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to change' });
export type UpdateUserInput = z.infer<typeof UpdateUserSchema>;

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  storeIds: string[];
  createdAt: string;
  /** Set while the user is disabled: they cannot sign in and have no sessions. */
  disabledAt: string | null;
}

export interface SessionDto {
  user: UserDto;
  expiresAt: string;
}
