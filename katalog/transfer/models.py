"""Import and export jobs."""
