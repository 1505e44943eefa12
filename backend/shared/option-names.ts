// Configured plug-in names (scheduler_default_filters, scheduler_weight_classes): one check
// and one message for nova.conf's validation at start-up and for the scheduler's registries.

/** null when every name is known, else one line naming every unknown name and the known ones. */
export function unknownNamesMessage(option: string, kind: string, names: readonly string[], known: readonly string[]): string | null {
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length === 0) return null;
  return `${option}: unknown ${kind}(s) ${unknown.join(', ')}; known: ${known.join(', ')}`;
}
