/** Payload pieces several domains' requests share. */
import { z } from 'zod';

/** A call, import or session id chosen by main. */
export const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
export const empty = z.object({}).strict();
/** A database row id (lead, campaign). */
export const rowId = z.number().int().positive();
