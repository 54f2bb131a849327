import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { SessionDto, UserDto } from '@stockfleet/shared';
import type { Request, Response } from 'express';
import { Inject } from '@nestjs/common';
import type { UserActor } from '../common/actor.js';
import { Actor, Public, Roles } from '../common/decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CreateUserDto, LoginDto } from './auth.dto.js';
import { SESSION_COOKIE } from './auth.guard.js';
import { AuthService, mapUser } from './auth.service.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Throttle({ login: { limit: 10, ttl: 60_000 } })
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionDto> {
    const { token, session } = await this.auth.login(body.email, body.password, req.ip ?? null);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.cookieSecure,
      path: '/',
      expires: new Date(session.expiresAt),
    });
    return session;
  }

  @Roles('admin', 'manager', 'auditor')
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Actor() actor: UserActor, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(req.cookies[SESSION_COOKIE], actor);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  async me(@Actor() actor: UserActor, @Req() req: Request): Promise<SessionDto> {
    const resolved = await this.auth.actorFromToken(req.cookies[SESSION_COOKIE], actor.ip);
    return {
      user: { id: actor.id, email: actor.email, name: actor.name, role: actor.role, storeIds: actor.storeIds, createdAt: resolved!.createdAt.toISOString() },
      expiresAt: resolved!.expiresAt.toISOString(),
    };
  }
}

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Roles('admin')
  @Get()
  list(): Promise<UserDto[]> {
    return this.auth.listUsers();
  }

  @Roles('admin')
  @Post()
  create(@Body() body: CreateUserDto, @Actor() actor: UserActor): Promise<UserDto> {
    return this.auth.createUser(body, actor);
  }
}
export { mapUser };
