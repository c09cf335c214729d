"""The public sample of real stock numbers (LESO/FLIS) and CAGE codes (SAM), loaded through the
ordinary import path, so its rejected rows are reported like any user file's."""

from __future__ import annotations

from katalog.core.actors import SYSTEM_INIT
from katalog.core.loading import data_path
from katalog.transfer.importers.kinds import import_file


def load_public_sample() -> dict:
    manufacturers = import_file(
        "manufacturers", data_path(__file__, "cage_codes_sam_sample.csv"), actor=SYSTEM_INIT
    )
    items = import_file("items", data_path(__file__, "leso_nsn_items.csv"), actor=SYSTEM_INIT)
    return {
        "manufacturers": manufacturers.created,
        "items": items.created,
        "items rejected": items.rejected,
    }
