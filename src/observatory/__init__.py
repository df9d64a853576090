"""Open Weights Observatory: who leads open-weight AI, measured from public data."""

__version__ = "0.1.0"

# Bumped whenever a metric's definition changes; recorded in every manifest and result.
METHOD_VERSION = "2026.11.1"
