import { Field, Radio, RadioGroup } from "@fluentui/react-components";
import type { ExemptionCategory } from "../ipc/bindings";
import { CATEGORY_LABELS } from "../shared/categoryLabel";

type Props = {
  value: ExemptionCategory | null;
  onChange: (value: ExemptionCategory) => void;
  error?: string;
};

export function CategoryField({ value, onChange, error }: Props) {
  return (
    <Field label="Category" required validationMessage={error}>
      <RadioGroup
        value={value ?? ""}
        onChange={(_, data) => onChange(data.value as ExemptionCategory)}
        data-field="category"
      >
        <Radio value="Mitigated" label={CATEGORY_LABELS.Mitigated} />
        <Radio value="Waiver" label={CATEGORY_LABELS.Waiver} />
      </RadioGroup>
    </Field>
  );
}
