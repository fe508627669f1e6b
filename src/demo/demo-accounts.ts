import type { Role } from '../access/roles';

/** The password of every demo account (demo mode only; shown on the sign-in page). */
export const demoPassword = 'demo12345';

/** One account per role and level, so every screen can be tried. */
export const demoAccounts: Array<{ username: string; role: Role; unitCode: string; displayName: string }> = [
  { username: 'admin', role: 'admin', unitCode: 'MH', displayName: '系统管理员' },
  { username: 'supervisor', role: 'supervisor', unitCode: 'MH', displayName: '区督查 王敏' },
  { username: 'supervisor.street', role: 'supervisor', unitCode: 'MH-XZ', displayName: '莘庄镇督查 李强' },
  { username: 'mediator', role: 'mediator', unitCode: 'MH-XZ-XS', displayName: '莘松调解员 张丽' },
  { username: 'mediator.street', role: 'mediator', unitCode: 'MH-XZ', displayName: '莘庄镇调解员 陈刚' },
  { username: 'mediator.district', role: 'mediator', unitCode: 'MH', displayName: '区调解员 刘洋' },
  { username: 'mediator.labour', role: 'mediator', unitCode: 'MH-RSJ', displayName: '人社局调解员 赵军' },
  { username: 'mediator.medical', role: 'mediator', unitCode: 'MH-WJW', displayName: '医调委调解员 孙燕' },
  { username: 'mediator.court', role: 'mediator', unitCode: 'MH-FY', displayName: '诉调对接中心 周法官' },
  { username: 'agent', role: 'petition_agent', unitCode: 'MH-XZ', displayName: '信访代理员 吴芳' },
];
