/** An enum value from Azure or the backend as words a person reads:
 * "OffByPolicy" → "Off by policy", "NotApplicable" → "Not applicable",
 * "VmNotReportedHeartbeat" → "Vm not reported heartbeat"; acronyms stay
 * ("SQLServer" → "SQL server"). Anything not in PascalCase is left as it is. */
export function enumWords(value: string): string {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(value)) return value;
  const words = value.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[0-9]+/g) ?? [value];
  return words.map((w, i) => (i === 0 || (w.length > 1 && w === w.toUpperCase()) ? w : w.toLowerCase())).join(" ");
}
