import { Link } from '../components/Link';

export function NotFoundPage() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to your sites</Link>
      </p>
    </section>
  );
}
