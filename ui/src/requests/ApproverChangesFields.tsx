import { Field, Input, Radio, RadioGroup, Subtitle2, Caption1, makeStyles, tokens } from "@fluentui/react-components";
import type { ApproverChanges, ExemptionRequest } from "../ipc/bindings";
import { CATEGORY_LABELS } from "../shared/categoryLabel";
import { approverExpiryError } from "./requestRules";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  date: { maxWidth: "220px" },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Props = {
  request: ExemptionRequest;
  /** The date as typed (may be incomplete) and the category chosen. */
  expiry: string;
  changes: ApproverChanges;
  onExpiry: (text: string) => void;
  onCategory: (category: ApproverChanges["category"]) => void;
};

/** What an approver may change before approving: an earlier expiry, the
 * category. Each change is recorded as the approver's and the request is checked again. */
export function ApproverChangesFields({ request, expiry, changes, onExpiry, onCategory }: Props) {
  const styles = useStyles();
  const requested = request.draft.expiresOn;
  const error = expiry === "" ? null : approverExpiryError(expiry, requested);
  return (
    <section className={styles.root} aria-label="Your changes" data-testid="approver-changes">
      <Subtitle2 as="h3">Your changes (optional)</Subtitle2>
      <Caption1 className={styles.muted}>
        Recorded as yours in the request's history; the checks and writes below are made again with them.
      </Caption1>
      <Field
        label="Expires on"
        validationMessage={error ?? undefined}
        hint={requested ? `Requested: ${requested}. Only an earlier day.` : "Requested: never. Any day in the future."}
      >
        <Input
          className={styles.date}
          type="date"
          value={expiry}
          max={requested ?? undefined}
          onChange={(_, d) => onExpiry(d.value)}
        />
      </Field>
      <Field label="Category">
        <RadioGroup
          value={changes.category ?? request.draft.category ?? ""}
          onChange={(_, d) =>
            onCategory(d.value === request.draft.category ? null : (d.value as "Mitigated" | "Waiver"))
          }
        >
          <Radio value="Mitigated" label={CATEGORY_LABELS.Mitigated} />
          <Radio value="Waiver" label={CATEGORY_LABELS.Waiver} />
        </RadioGroup>
      </Field>
    </section>
  );
}
