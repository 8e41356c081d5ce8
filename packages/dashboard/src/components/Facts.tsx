/** Label/value pairs as a `.facts` grid: each pair a <div> so the grid keeps label and value together. */
export function Facts({ facts, testId }: { facts: [label: string, value: string][]; testId?: string }) {
  return (
    <dl className="facts" data-testid={testId}>
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
