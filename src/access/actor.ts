import type { Role } from './roles';

/** The signed-in user as the policy sees them: who, in which role, at which place in the unit tree. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  /** ltree path of the user's unit. */
  unitPath: string;
  unitNameZh: string;
  unitNameEn: string;
  locale: 'zh-CN' | 'en';
  mustChangePassword: boolean;
  /** A session that last proved a password before this is over (the password changed since). */
  passwordChangedAt: Date;
}

declare global {
  namespace Express {
    interface Request {
      /** The signed-in user, by session cookie or bearer token (auth/authenticate.middleware.ts). */
      actor?: Actor;
      /** How the caller authenticated. */
      authenticatedBy?: 'session' | 'bearer';
    }
  }
}
