"""Ratings from pairwise votes (Q16): pure numeric functions, tables in, tables out.

votes -> ``pairs.pair_counts`` (one row per model pair) -> ``bt.fit`` (Bradley–Terry MLE) ->
``intervals`` (bootstrap, sandwich) -> ``rank`` (rank by upper bound) -> ``board`` (a table in the
``board_entries`` shape). ``style`` adds style control, ``simulate`` draws votes from a board.
Nothing here reads or writes files.
"""
