import { z } from 'zod';
import { optionalPhoneField } from '../shared/phone-number';
import { departmentKeys, unitKinds } from './unit.entity';

const name = z.string().trim().min(1, 'validation.required').max(200, 'validation.too_big');
/** Which administrative body a department is (blank: none, or not a department). */
const departmentKey = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.enum(departmentKeys, { error: 'validation.invalid_value' }).optional(),
);
/**
 * The unit's public contact phone (联系电话): a mainland mobile or a landline with its area code
 * (`checkPhone`), stored normalised (02164123456); blank: none.
 */
const phone = optionalPhoneField;

export const newUnitSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1, 'validation.required')
    .max(32, 'validation.too_big')
    .regex(/^[A-Za-z0-9-]+$/, 'validation.code_format')
    .transform((code) => code.toUpperCase()),
  nameZh: name,
  nameEn: name,
  kind: z.enum(unitKinds, { error: 'validation.invalid_value' }),
  parentId: z.uuid({ error: 'validation.required' }),
  departmentKey,
  phone,
});

export const unitChangesSchema = z.object({
  nameZh: name,
  nameEn: name,
  /** Absent for the district (the root does not move). */
  parentId: z.uuid({ error: 'validation.required' }).optional(),
  /** Departments only; blank clears it. */
  departmentKey,
  /** Blank clears it. */
  phone,
});

export const activeSchema = z.object({
  active: z.enum(['true', 'false']).transform((value) => value === 'true'),
});

export const unitViewSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    kind: z.enum(unitKinds),
    parentId: z.uuid().nullable(),
    level: z.enum(['community', 'street', 'district']).nullable(),
    departmentKey: z.enum(departmentKeys).nullable(),
    /** The public contact phone as people write it (021-64123456), or null. */
    phone: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'Unit' });

export const unitListSchema = z.object({ items: z.array(unitViewSchema) }).meta({ id: 'UnitList' });
