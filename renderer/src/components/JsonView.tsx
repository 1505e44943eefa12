// The real message behind a step, pretty-printed.
export function JsonView({ value, testId }: { value: unknown; testId?: string }) {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return (
    <pre className="json" data-testid={testId}>
      {text}
    </pre>
  );
}
