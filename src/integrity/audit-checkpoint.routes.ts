import { z } from 'zod';
import type { RouteSpec } from '../access/route-table';
import { actorOf, originOf } from '../access/route-table';
import type { StoredCheckpoint } from './audit-checkpoint.repository';
import type { AuditCheckpointService } from './audit-checkpoint.service';

/** Signing takes no input: any field sent is a mistake (400), not something ignored. */
export const signCheckpointSchema = z.strictObject({}).meta({ id: 'SignCheckpoint' });

/** What the API answers for a checkpoint (for the OpenAPI document). */
export const checkpointViewSchema = z
  .object({
    number: z.number().int(),
    signedAt: z.iso.datetime(),
    reason: z.enum(['scheduled', 'requested']),
    chains: z.number().int(),
    events: z.number().int(),
    changed: z.number().int(),
    vanished: z.number().int(),
    root: z.string(),
    previous: z.string().nullable(),
    signature: z.string(),
    publicKey: z.string(),
  })
  .meta({ id: 'AuditCheckpoint' });

export const publicKeySchema = z
  .object({ algorithm: z.literal('Ed25519'), publicKey: z.string(), format: z.literal('raw-base64') })
  .meta({ id: 'AuditPublicKey' });

/** A checkpoint as the API shows it: what was signed about every chain, without the list of heads. */
export function presentCheckpoint(checkpoint: StoredCheckpoint): z.infer<typeof checkpointViewSchema> {
  const body = checkpoint.checkpoint;
  return {
    number: checkpoint.number,
    signedAt: checkpoint.signedAt,
    reason: checkpoint.reason,
    chains: body.chains,
    events: body.events,
    changed: body.heads.length,
    vanished: body.vanished.length,
    root: body.root,
    previous: body.previous,
    signature: checkpoint.signature,
    publicKey: checkpoint.publicKey,
  };
}

/** Signed checkpoints of the audit trail: sign one now, list them, the public key that checks them. */
export function auditCheckpointRoutes(checkpoints: AuditCheckpointService): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/api/v1/audit/checkpoints',
      access: { action: 'audit.checkpoint' },
      api: {
        operationId: 'signAuditCheckpoint',
        tag: 'audit',
        summary:
          'Sign a checkpoint of every case and petition chain now (audited; mailed to the supervisors)',
        body: signCheckpointSchema,
        bodyOptional: true,
        status: 201,
        response: checkpointViewSchema,
      },
      handler: async (req, res) => {
        const signed = await checkpoints.request(actorOf(req), originOf(req));
        res.status(201).json(presentCheckpoint(signed));
      },
    },
    {
      method: 'get',
      path: '/api/v1/audit/checkpoints',
      access: { action: 'audit.checkpoint' },
      api: {
        operationId: 'listAuditCheckpoints',
        tag: 'audit',
        summary: 'The latest signed checkpoints, newest first',
      },
      handler: async (req, res) => {
        res.json({
          items: await checkpoints.recent(actorOf(req)),
          publicKey: checkpoints.publicKey().publicKey,
        });
      },
    },
    {
      method: 'get',
      path: '/api/v1/audit/public-key',
      access: { action: 'audit.checkpoint' },
      api: {
        operationId: 'getAuditPublicKey',
        tag: 'audit',
        summary: 'The Ed25519 public key that checks every checkpoint (32 raw bytes, base64)',
      },
      handler: (_req, res) => {
        res.json(checkpoints.publicKey());
      },
    },
    {
      method: 'post',
      path: '/supervision/checkpoints',
      // the form on the supervisors' chain-check page (administrators sign through the API)
      access: { action: 'supervision.view' },
      handler: async (req, res) => {
        const signed = await checkpoints.request(actorOf(req), originOf(req));
        res.redirect(303, `/supervision/verify?signed=${signed.number}`);
      },
    },
  ];
}
