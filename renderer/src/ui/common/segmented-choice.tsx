/** One choice of a segmented control: what it sets, its words, and the tooltip saying what it does. */
export interface SegmentChoice<T extends string> {
  id: T;
  label: string;
  hint: string;
}

/**
 * A row of radio buttons drawn as segments (a radiogroup named by its visible label), each choice's
 * hint as its tooltip.
 */
export function SegmentedChoice<T extends string>({
  name,
  labelId,
  choices,
  value,
  testId,
  onChange,
}: {
  name: string;
  labelId: string;
  choices: readonly SegmentChoice<T>[];
  value: T;
  testId: (id: T) => string;
  onChange: (id: T) => void;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-labelledby={labelId}>
      {choices.map((c) => (
        <label key={c.id} className={`segment${value === c.id ? ' is-selected' : ''}`} title={c.hint}>
          <input type="radio" name={name} value={c.id} checked={value === c.id} data-testid={testId(c.id)} onChange={() => onChange(c.id)} />
          {c.label}
        </label>
      ))}
    </div>
  );
}
