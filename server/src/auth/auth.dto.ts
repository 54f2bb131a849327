import { createZodDto } from 'nestjs-zod';
import { CreateUserSchema, LoginSchema } from '@stockfleet/shared';

export class LoginDto extends createZodDto(LoginSchema) {}
export class CreateUserDto extends createZodDto(CreateUserSchema) {}
