import { useState } from 'react';

/** An id or hash in monospace that copies itself on click (engineers paste these into logs and SQL). */
export function CopyText({ text, display, label }: { text: string; display?: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy-text mono"
      aria-label={`Copy ${label}: ${text}`}
      title={copied ? 'Copied' : `${text} — click to copy`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1200);
        });
      }}
    >
      {display ?? text}
      {copied ? <span className="copied"> copied</span> : null}
    </button>
  );
}
