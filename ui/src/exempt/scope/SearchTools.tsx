import { Checkbox, Input } from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import { usePickerStyles } from "./pickerStyles";

type Props = {
  label: string;
  placeholder: string;
  search: string;
  onSearch: (text: string) => void;
  allShown: boolean | "mixed";
  onSelectAll: (checked: boolean) => void;
  nothingShown: boolean;
  /** Marks the search box as the scope field's first control (focus on error). */
  firstField?: boolean;
};

/** A picker's search box and its "Select all" (of what the search shows). */
export function SearchTools({
  label,
  placeholder,
  search,
  onSearch,
  allShown,
  onSelectAll,
  nothingShown,
  firstField,
}: Props) {
  const styles = usePickerStyles();
  return (
    <div className={styles.tools}>
      <Input
        className={styles.search}
        type="search"
        size="small"
        aria-label={label}
        placeholder={placeholder}
        contentBefore={<SearchRegular />}
        value={search}
        onChange={(_, d) => onSearch(d.value)}
        data-field={firstField ? "scope" : undefined}
      />
      <Checkbox
        label="Select all"
        disabled={nothingShown}
        checked={allShown}
        onChange={(_, d) => onSelectAll(d.checked === true)}
      />
    </div>
  );
}
