import { Field, Input, Switch, makeStyles, tokens } from "@fluentui/react-components";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  date: { maxWidth: "220px" },
});

function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

type Props = {
  /** null: no expiry; otherwise the chosen day `YYYY-MM-DD` ("" while none is chosen). */
  value: string | null;
  onChange: (value: string | null) => void;
  onBlur: () => void;
  error?: string;
};

export function ExpiryField({ value, onChange, onBlur, error }: Props) {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      <Switch
        label="Set an expiration date"
        checked={value !== null}
        onChange={(_, data) => onChange(data.checked ? "" : null)}
      />
      {value !== null ? (
        <Field
          label="Expires on"
          required
          validationMessage={error}
          hint="The exemption ends at the end of this day, in your time zone."
        >
          <Input
            className={styles.date}
            type="date"
            min={today()}
            value={value}
            data-field="expiresOn"
            onChange={(_, data) => onChange(data.value)}
            onBlur={onBlur}
          />
        </Field>
      ) : null}
    </div>
  );
}
