// What every language's catalogue (src/i18n/) builds its sentences with: counts through Intl.PluralRules.

type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** "1 day", "2 days", "1.000 hari": the count in the language's digits, then the form its plural rules pick. */
export function counter(locale: string): (count: number, forms: Forms) => string {
  const rules = new Intl.PluralRules(locale);
  const digits = new Intl.NumberFormat(locale);
  return (count, forms) => `${digits.format(count)} ${forms[rules.select(count)] ?? forms.other}`;
}

/** A code's text from a table, the code itself when the table has none (a value newer than the page). */
export function pick(table: Record<string, string>, code: string | null | undefined): string {
  return code ? (table[code] ?? code) : "";
}
