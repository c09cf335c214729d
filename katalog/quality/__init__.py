"""Data quality of each item description: rules as data, scores explained rule by rule."""
