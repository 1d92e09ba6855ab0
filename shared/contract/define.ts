/**
 * How a domain declares its part of the IPC contract, once: each request channel with its
 * payload schema and result type, each event channel with its payload type. The result and event
 * types are carried by the declaration's type only (nothing at run time).
 */
import type { z } from 'zod';

export interface RequestDef<S extends z.ZodType, R> {
  readonly schema: S;
  /** Type-only: the result main answers with. */
  readonly result?: R;
}

export interface EventDef<P> {
  /** Type-only: the payload main sends. */
  readonly payload?: P;
}

/** `request<Result>()(payloadSchema)`: the result type is given, the payload type inferred. */
export const request =
  <R>() =>
  <S extends z.ZodType>(schema: S): RequestDef<S, R> => ({ schema });

export const event = <P>(): EventDef<P> => ({});

export type ResultOf<D> = D extends RequestDef<z.ZodType, infer R> ? R : never;
export type PayloadOf<D> = D extends EventDef<infer P> ? P : never;
