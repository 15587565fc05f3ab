import { CopyButton } from '../common/copy-button';
import { saveText } from '../common/save-text';

/**
 * A script shown exactly as it will be saved, in monospace, with Copy and Save. Generated scripts
 * are reviewed changes (DESIGN.md "Fix scripts"): the user reads them here before anything runs.
 */
export function ScriptBlock({ title, text, fileName, testId }: { title: string; text: string; fileName: string; testId: string }) {
  return (
    <div className="script-block" data-testid={testId}>
      <div className="script-head">
        <h4 className="script-title">{title}</h4>
        <span className="muted script-file">{fileName}</span>
        <CopyButton value={text} what={title.toLowerCase()} />
        <button
          type="button"
          className="copy-button"
          data-testid={`${testId}-save`}
          title={`Save as ${fileName}`}
          aria-label={`Save ${title.toLowerCase()} as ${fileName}`}
          onClick={() => saveText(fileName, text)}
        >
          Save
        </button>
      </div>
      <pre className="script-text" data-testid={`${testId}-text`}>
        {text}
      </pre>
    </div>
  );
}
