import type { Request, Response } from 'express';
import { AppError } from '../errors';
import { detailMessage } from './validate';

/** What a form shows again after a failed submission: what was typed, and each message by its field. */
export interface FormFailure {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  formError: string;
  status: number;
}

/**
 * The failure of a form's action on the user's input (400, 409, 422 …), ready to show
 * next to the fields; anything else (403, 404, a bug) is rethrown for the error handler.
 * Passwords are never sent back.
 */
export function formFailure(req: Request, error: unknown): FormFailure {
  if (!(error instanceof AppError) || error.status >= 500 || error.status === 404 || error.status === 403)
    throw error;
  const errors: Record<string, string> = {};
  for (const detail of error.details ?? []) {
    const field = detail.field || '_form';
    errors[field] ??= detailMessage(req.t, detail);
  }
  const values = Object.fromEntries(
    Object.entries((req.body ?? {}) as Record<string, unknown>).filter(
      ([key]) => !/password|_csrf/i.test(key),
    ),
  );
  return {
    values,
    errors,
    formError: req.t(`errors.${error.code}`, {
      ...error.params,
      defaultValue: req.t('errors.validation_failed'),
    }),
    status: error.status,
  };
}

/**
 * Runs a form's action; when it fails on the user's input, re-renders the form
 * with each message next to its field and everything typed kept (passwords
 * excepted). Returns true when the action succeeded.
 */
export async function submitForm(
  req: Request,
  res: Response,
  form: { view: string; viewModel: () => Promise<Record<string, unknown>> | Record<string, unknown> },
  action: () => Promise<void>,
): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    const { values, errors, formError, status } = formFailure(req, error);
    res.status(status).render(form.view, { ...(await form.viewModel()), values, errors, formError });
    return false;
  }
}

/**
 * A select's options in runs, as a template draws them: each run of options with the same
 * `group` under one <optgroup> labelled so, those with none outside any; `value` is selected.
 */
export function optionGroupsOf(
  options: ReadonlyArray<{ value: string; label: string; group?: string }>,
  value: string,
) {
  const groups: Array<{
    label: string | null;
    options: Array<{ value: string; label: string; selected: boolean }>;
  }> = [];
  for (const option of options) {
    const label = option.group ?? null;
    let group = groups.at(-1);
    if (!group || group.label !== label) {
      group = { label, options: [] };
      groups.push(group);
    }
    group.options.push({ value: option.value, label: option.label, selected: option.value === value });
  }
  return groups;
}
