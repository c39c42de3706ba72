import { Field, Input, Radio, RadioGroup, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import type { ExemptionCategory } from "../../ipc/bindings";
import { CATEGORY_LABELS } from "../../shared/categoryLabel";
import {
  DESCRIPTION_MAX,
  DISPLAY_NAME_MAX,
  EXTEND_DAYS_MAX,
  TICKET_MAX,
  type EditForm,
  type ExtendForm,
  type FormErrors,
} from "./changeRequest";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  short: { maxWidth: "220px" },
});

type ExtendProps = { form: ExtendForm; errors: FormErrors; onChange: (form: ExtendForm) => void };

/** Extend to a day, or by a number of days from each one's current expiry. */
export function ExtendFields({ form, errors, onChange }: ExtendProps) {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      <Field label="Extend">
        <RadioGroup value={form.mode} onChange={(_, d) => onChange({ ...form, mode: d.value as ExtendForm["mode"] })}>
          <Radio value="to" label="To a day" />
          <Radio value="by" label="By a number of days from each one's current expiry" />
        </RadioGroup>
      </Field>
      {form.mode === "to" ? (
        <Field label="New expiry (the end of this day, your time)" required validationMessage={errors.date}>
          <Input
            className={styles.short}
            type="date"
            value={form.date}
            onChange={(_, d) => onChange({ ...form, date: d.value })}
            data-field="date"
          />
        </Field>
      ) : (
        <Field label="Days" required validationMessage={errors.days} hint={`1 to ${EXTEND_DAYS_MAX}`}>
          <Input
            className={styles.short}
            type="number"
            min={1}
            max={EXTEND_DAYS_MAX}
            value={form.days}
            onChange={(_, d) => onChange({ ...form, days: d.value })}
            data-field="days"
          />
        </Field>
      )}
    </div>
  );
}

type EditProps = {
  form: EditForm;
  errors: FormErrors;
  /** Several exemptions: an empty field leaves each one's own value. */
  many: boolean;
  onChange: (form: EditForm) => void;
};

/** Display name, description, category, expiry and ticket reference; only what is changed is written. */
export function EditFields({ form, errors, many, onChange }: EditProps) {
  const styles = useStyles();
  const keep = many ? "Leave empty to keep each one's own." : undefined;
  return (
    <div className={styles.root}>
      <Field
        label="Display name"
        validationMessage={errors.displayName}
        hint={keep ?? `Up to ${DISPLAY_NAME_MAX} characters`}
      >
        <Input
          value={form.displayName}
          maxLength={DISPLAY_NAME_MAX}
          onChange={(_, d) => onChange({ ...form, displayName: d.value })}
          data-field="displayName"
        />
      </Field>
      <Field
        label="Description"
        validationMessage={errors.description}
        hint={keep ?? `${form.description.length} of ${DESCRIPTION_MAX} characters`}
      >
        <Textarea
          value={form.description}
          maxLength={DESCRIPTION_MAX}
          resize="vertical"
          onChange={(_, d) => onChange({ ...form, description: d.value })}
          data-field="description"
        />
      </Field>
      <Field label="Category" hint={many ? "Leave unchosen to keep each one's own." : undefined}>
        <RadioGroup
          value={form.category}
          onChange={(_, d) => onChange({ ...form, category: d.value as ExemptionCategory })}
          data-field="category"
        >
          <Radio value="Mitigated" label={CATEGORY_LABELS.Mitigated} />
          <Radio value="Waiver" label={CATEGORY_LABELS.Waiver} />
        </RadioGroup>
      </Field>
      <Field label="Expires (the end of this day, your time)" validationMessage={errors.expiresOn} hint={keep}>
        <Input
          className={styles.short}
          type="date"
          value={form.expiresOn}
          onChange={(_, d) => onChange({ ...form, expiresOn: d.value })}
          data-field="expiresOn"
        />
      </Field>
      <Field
        label="Ticket reference"
        validationMessage={errors.ticket}
        hint={keep ?? "A change or approval ticket, e.g. CHG-1042; empty keeps the current one."}
      >
        <Input
          className={styles.short}
          value={form.ticket}
          maxLength={TICKET_MAX}
          onChange={(_, d) => onChange({ ...form, ticket: d.value })}
          data-field="ticket"
        />
      </Field>
    </div>
  );
}
