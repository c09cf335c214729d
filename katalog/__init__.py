"""katalog: interstate cataloguing of items of supply."""

__version__ = "0.1.0"
