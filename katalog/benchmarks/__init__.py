"""Pieces of `katalog bench`: machine facts, timing helpers, the import, lookup, search, HTTP and
screening measurements, and the Markdown report. Timings live here only, never in tests."""
