import { z } from 'zod';

export const Role = { Admin: 'admin', Manager: 'manager', Auditor: 'auditor' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const RoleSchema = z.enum(['admin', 'manager', 'auditor']);

export const LoginSchema = z.strictObject({
  email: z.email().max(200),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof LoginSchema>;

export const CreateUserSchema = z.strictObject({
  email: z.email().max(200),
  name: z.string().min(1).max(200),
  password: z.string().min(10).max(200),
  role: RoleSchema,
  /** Stores a manager may act on; ignored for admins (whole chain) and auditors (read everything). */
  storeIds: z.array(z.uuid()).max(1000).default([]),
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  storeIds: string[];
  createdAt: string;
}

export interface SessionDto {
  user: UserDto;
  expiresAt: string;
}
