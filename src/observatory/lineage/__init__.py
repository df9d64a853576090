"""The derivative graph: declared edges, roots, walks, the graph of a store's Hub rows, the tree
around a model, and inferred bases (fingerprints, and running them on a graph)."""
