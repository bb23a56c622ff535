import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { validationError } from "./errors.js";

/** Parses a part of the request or throws a 400 problem naming the field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params" | "header"): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

/** Express 5 forwards rejected promises itself; this only narrows the handler type. */
export function route(fn: (req: Request, res: Response, next: NextFunction) => unknown): RequestHandler {
  return (req, res, next) => fn(req, res, next) as void;
}
