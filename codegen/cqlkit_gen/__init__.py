"""cqlkit-gen: typed C from CQL schemas and annotated queries (front-end)."""

__version__ = "0.1.0"
