import { EXPORT_FORMATS, type ExportFormat } from '../api/stats';

/** "Export" in a card's head: the card's numbers as CSV, JSON or XML, downloaded from the stats endpoint. */
export function ExportMenu({ label, href }: { label: string; href: (format: ExportFormat) => string }) {
  return (
    <details className="export-menu">
      <summary className="button small" aria-label={`Export ${label}`}>
        Export
      </summary>
      <ul>
        {EXPORT_FORMATS.map((f) => (
          <li key={f}>
            <a href={href(f)} download>
              {f.toUpperCase()}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
