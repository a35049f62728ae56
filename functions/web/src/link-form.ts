/**
 * The link form and the links API, both ways: what a submitted form sends to
 * the API, and where each error of the API's answer shows on the form. The
 * API is the one judge of values: what the form cannot read goes through as
 * typed, so the API's refusal names its field.
 */
import type { Link, LinkInput, Problem } from "./backend.ts";

export interface LinkFormValues {
  targetUrl: string;
  code: string;
  redirectType: string;
  /** datetime-local, in UTC: "2030-01-01T12:00". */
  expiresAt: string;
}

export type FormErrors = { fields: Record<string, string[]>; general: string[] };

export const noErrors = (): FormErrors => ({ fields: {}, general: [] });

export function readLinkForm(form: Record<string, unknown>): LinkFormValues {
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string).trim() : "");
  return {
    targetUrl: text("targetUrl"),
    code: text("code"),
    redirectType: text("redirectType"),
    expiresAt: text("expiresAt"),
  };
}

export function formValuesOf(link: Link): LinkFormValues {
  return {
    targetUrl: link.targetUrl,
    code: link.code,
    redirectType: String(link.redirectType),
    expiresAt: link.expiresAt ? toDateTimeLocal(link.expiresAt) : "",
  };
}

const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** "2030-01-01T12:00" (UTC) as the API's ISO 8601; anything else as typed. */
export function fromDateTimeLocal(value: string): string {
  if (!DATETIME_LOCAL.test(value)) return value;
  return `${value.length === 16 ? `${value}:00` : value}Z`;
}

export function toDateTimeLocal(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16);
}

function redirectTypeOf(value: string): number | string {
  return value === "301" || value === "302" ? Number(value) : value;
}

export function createBody(values: LinkFormValues): LinkInput {
  return {
    targetUrl: values.targetUrl,
    ...(values.code ? { code: values.code } : {}),
    ...(values.redirectType ? { redirectType: redirectTypeOf(values.redirectType) } : {}),
    ...(values.expiresAt ? { expiresAt: fromDateTimeLocal(values.expiresAt) } : {}),
  };
}

/** An edit sends every field the form shows; an empty expiry clears it. The code never changes. */
export function updateBody(values: LinkFormValues): LinkInput {
  return {
    targetUrl: values.targetUrl,
    redirectType: redirectTypeOf(values.redirectType || "302"),
    expiresAt: values.expiresAt ? fromDateTimeLocal(values.expiresAt) : null,
  };
}

/**
 * The API's errors by the form field their pointer names (`#/targetUrl`);
 * errors that name no field of the form, and problems without `errors`, are
 * general. A 409 on create is the code being taken.
 */
export function formErrors(problem: Problem, fields: readonly string[], conflictField?: string): FormErrors {
  const result = noErrors();
  const add = (field: string, detail: string) => {
    result.fields[field] = [...(result.fields[field] ?? []), detail];
  };
  if (problem.status === 409 && conflictField && !problem.errors?.length) {
    add(conflictField, problem.detail ?? problem.title);
    return result;
  }
  for (const error of problem.errors ?? []) {
    const field = /^#\/([^/]+)$/.exec(error.pointer ?? "")?.[1];
    if (field && (error.in === undefined || error.in === "body") && fields.includes(field)) add(field, error.detail);
    else result.general.push(error.pointer ? `${error.pointer.replace(/^#\//, "")}: ${error.detail}` : error.detail);
  }
  if (!problem.errors?.length) result.general.push(problem.detail ?? problem.title);
  return result;
}
