/** Previous and next page of a list, with where it stands ("2 / 5"); nothing when the list has one page. */
export function Pager({
  page,
  pages,
  onPage,
  label,
  previous = 'Previous',
  next = 'Next',
}: {
  /** The page shown, from 0. */
  page: number;
  pages: number;
  onPage: (page: number) => void;
  /** The navigation's accessible name. */
  label: string;
  previous?: string;
  next?: string;
}) {
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button className="button small" type="button" disabled={page === 0} onClick={() => onPage(page - 1)}>
        {previous}
      </button>
      <span className="muted small">
        {page + 1} / {pages}
      </span>
      <button className="button small" type="button" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)}>
        {next}
      </button>
    </nav>
  );
}
