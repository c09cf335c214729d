"""Economic-activity classifiers."""
