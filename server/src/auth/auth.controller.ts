import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { SessionDto, UserDto } from '@stockfleet/shared';
import type { Request, Response } from 'express';
import { Inject } from '@nestjs/common';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from './access.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CreateUserDto, LoginDto, UpdateUserDto } from './auth.dto.js';
import { SESSION_COOKIE } from './auth.guard.js';
import { AuthService, mapUser } from './auth.service.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Access.anyone()
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

  @Access.write(On.self(), { roles: ['admin', 'manager', 'auditor'] })
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Actor() actor: UserActor, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(req.cookies[SESSION_COOKIE], actor);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Access.read(On.self())
  @Get('me')
  async me(@Actor() actor: UserActor, @Req() req: Request): Promise<SessionDto> {
    const resolved = await this.auth.actorFromToken(req.cookies[SESSION_COOKIE], actor.ip);
    return {
      user: { id: actor.id, email: actor.email, name: actor.name, role: actor.role, storeIds: actor.storeIds, createdAt: resolved!.createdAt.toISOString(), disabledAt: null },
      expiresAt: resolved!.expiresAt.toISOString(),
    };
  }
}

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Access.read(On.chain(), { roles: ['admin'] })
  @Get()
  list(): Promise<UserDto[]> {
    return this.auth.listUsers();
  }

  @Access.write(On.chain(), { roles: ['admin'] })
  @Post()
  create(@Body() body: CreateUserDto, @Actor() actor: UserActor): Promise<UserDto> {
    return this.auth.createUser(body, actor);
  }

  @Access.write(On.user(), { roles: ['admin'] })
  @Patch(':id')
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateUserDto, @Actor() actor: UserActor): Promise<UserDto> {
    return this.auth.updateUser(id, body, actor);
  }
}
export { mapUser };
