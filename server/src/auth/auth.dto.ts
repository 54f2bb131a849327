import { createZodDto } from 'nestjs-zod';
import { CreateUserSchema, LoginSchema, UpdateUserSchema } from '@stockfleet/shared';

export class LoginDto extends createZodDto(LoginSchema) {}
export class CreateUserDto extends createZodDto(CreateUserSchema) {}
export class UpdateUserDto extends createZodDto(UpdateUserSchema) {}
