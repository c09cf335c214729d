"""A synthetic catalogue of any size for benchmarks and load tests: real supply classes, item
names, guides and bureaus from the shipped reference data, generated items, references,
characteristic values and registrations. Deterministic for a seed, streamed in chunks, written
in bulk (executemany on SQLite, COPY on PostgreSQL) or as import files."""
