"""One module per question, each a pure function from Ibis tables (or a lineage graph) to a tidy
result table: Q1 leaders (and org_rank: each organisation's best open model's rank over time),
Q2 lead_changes, Q3 gap, Q4 top, Q5 likes, Q6 downloads, Q7 share, Q8 derivatives, Q9 burst,
Q10 licences, Q11 architecture, Q14 whose_base, Q15 derivers, and runnable (the quantized builds
of a model); ``headline`` and ``freshness`` say who leads today and how old the data is;
``aggregates`` are the per-snapshot Hub sums long histories read; ``common`` holds what several
share."""

from observatory.metrics import (
    aggregates,
    architecture,
    burst,
    derivatives,
    derivers,
    downloads,
    freshness,
    gap,
    headline,
    lead_changes,
    leaders,
    licences,
    likes,
    org_rank,
    runnable,
    share,
    top,
    whose_base,
)

__all__ = ["aggregates", "architecture", "burst", "derivatives", "derivers", "downloads", "freshness", "gap",
           "headline", "lead_changes", "leaders", "licences", "likes", "org_rank", "runnable", "share", "top",
           "whose_base"]
