"""Curated facts (organisations, countries, licences, model aliases) with a user override, and
the attribution of board and Hub rows from them. ``loader`` reads the files; the package itself
imports nothing, so a light module (``selection``) loads without pandas."""
