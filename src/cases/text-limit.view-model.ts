import type { TFunction } from 'i18next';
import { registerCaseSchema } from './case.schemas';

/** The most a dispute's description may hold, in characters: read from the schema that refuses more. */
export const descriptionMaxLength = registerCaseSchema.shape.description.maxLength ?? 10000;

/**
 * A long text field's limit as public/js/text-limit.js shows it while typing: the limit, and
 * the page's words for the count, for being over, for a form not sent, for a draft put back
 * (%n, %max and %over are the script's to fill).
 */
export type TextLimitView = ReturnType<typeof textLimitView>;

export function textLimitView(max: number, t: TFunction) {
  return {
    max,
    countText: t('textLimit.count'),
    overText: t('textLimit.over'),
    refusedText: t('textLimit.refused'),
    restoredText: t('textLimit.restored'),
  };
}

/** What a page says when it comes back after a form too large to read (`?tooLarge=1`, error-handler.ts). */
export function tooLargeMessage(t: TFunction, query: Record<string, unknown>): string | undefined {
  return query.tooLarge === '1' ? t('textLimit.tooLarge', { max: descriptionMaxLength }) : undefined;
}
