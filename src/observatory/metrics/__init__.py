"""One module per question; each takes Ibis tables and returns a tidy result table."""
