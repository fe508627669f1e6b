import type { Request, Response } from 'express';
import { AppError } from '../errors';

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
    if (!(error instanceof AppError) || error.status >= 500 || error.status === 404 || error.status === 403)
      throw error;
    const errors: Record<string, string> = {};
    for (const detail of error.details ?? []) {
      const field = detail.field || '_form';
      errors[field] ??= req.t(detail.message, { ...detail.params, defaultValue: detail.message });
    }
    const values = Object.fromEntries(
      Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([key]) => !/password/i.test(key)),
    );
    res.status(error.status).render(form.view, {
      ...(await form.viewModel()),
      values,
      errors,
      formError: req.t(`errors.${error.code}`, {
        ...error.params,
        defaultValue: req.t('errors.validation_failed'),
      }),
    });
    return false;
  }
}
