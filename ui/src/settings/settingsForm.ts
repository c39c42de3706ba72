import type { Settings } from "../ipc/bindings";

/** The longest reminder window the backend accepts (`core::register::MAX_REMINDER_DAYS`). */
export const MAX_REMINDER_DAYS = 365;

/** The Settings form as typed: the window is text until it is a whole number of days. */
export type SettingsForm = { reminderWindowDays: string; remindersEnabled: boolean };

export const toForm = (s: Settings): SettingsForm => ({
  reminderWindowDays: String(s.reminderWindowDays),
  remindersEnabled: s.remindersEnabled,
});

/** The error under the reminder window field, or null when it is 1..365 whole days. */
export function windowError(text: string): string | null {
  const t = text.trim();
  if (t === "") return "Enter the number of days.";
  if (!/^\d+$/.test(t)) return "Enter a whole number of days, like 30.";
  const days = Number(t);
  if (days < 1 || days > MAX_REMINDER_DAYS) return `Enter between 1 and ${MAX_REMINDER_DAYS} days.`;
  return null;
}

/** The settings to save, or null while the form has an error. */
export function toSettings(form: SettingsForm): Settings | null {
  if (windowError(form.reminderWindowDays) !== null) return null;
  return { reminderWindowDays: Number(form.reminderWindowDays.trim()), remindersEnabled: form.remindersEnabled };
}
