"""Signals of catalogue writes for the apps that keep derived data in step (screening keys).

Sent inside the writing transaction, so derived rows commit or roll back with the references.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `rows`: (reference id, number) pairs just written, or None after a bulk write whose
# ids are not known (the receiver then takes every reference newer than its newest key).
references_written = Signal()
