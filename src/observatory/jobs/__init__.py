"""Jobs: the work that moves data between stages (files and live sources into snapshots, Hub
collection, rating runs, inferred bases). Each takes the catalog (and through it the store) and
the registry it needs, never the facade."""
