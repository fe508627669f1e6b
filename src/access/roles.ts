/** The roles a user account has: the policy's vocabulary for who may do what (DOMAIN.md, "Users"). */
export const roles = ['admin', 'supervisor', 'mediator', 'petition_agent'] as const;
export type Role = (typeof roles)[number];
