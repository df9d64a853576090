"""The derivative graph: declared edges, roots, inferred bases (see DESIGN.md, ``lineage/``)."""
