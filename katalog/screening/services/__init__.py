"""Duplicate screening: find catalogue items that may be the item described, with a score and its
explanation; record people's decisions on the candidates. By concern:

- `interface`: what a caller gives (`ScreeningInput`) and gets back (`ScreeningResult`);
- `preparing`: reading and checking a described item before anything is looked up;
- `queries`: finding candidate items, step 1 by reference numbers (normalised, transliterated
  and folded keys), step 2 by key characteristics for what references do not settle;
- `scoring`: the score of a candidate from its evidence, and the verdict;
- `runs`: screening one item, a request's lines or a parts list's chunks together, so a parts
  list costs a few queries per chunk, not per line;
- `writes`: what screening stores (decisions on candidates, the screening keys of references).

The names callers use are re-exported here: `from katalog.screening import services` and
`services.screen(...)` read as before the package was split.
"""

from katalog.screening.services.interface import (
    Candidate,
    Evidence,
    ReferenceInput,
    ScreeningInput,
    ScreeningResult,
)
from katalog.screening.services.preparing import Lookups, prepare
from katalog.screening.services.queries import characteristic_candidates, fetch_reference_rows
from katalog.screening.services.runs import redacted, screen, screen_many, screen_prepared
from katalog.screening.services.scoring import (
    compare_value,
    manufacturer_name_matches,
    score_of,
    thresholds,
    verdict_for,
)
from katalog.screening.services.writes import (
    DECISION_NOTE_MAX,
    DECISION_SUBJECT_MAX,
    FITTING_JUSTIFICATIONS,
    references_written_keys,
    screening_decision_record,
    screening_key_fields,
    screening_key_refresh,
    screening_keys_backfill,
    screening_keys_catch_up,
    screening_keys_store,
)

__all__ = [
    "DECISION_NOTE_MAX",
    "DECISION_SUBJECT_MAX",
    "FITTING_JUSTIFICATIONS",
    "Candidate",
    "Evidence",
    "Lookups",
    "ReferenceInput",
    "ScreeningInput",
    "ScreeningResult",
    "characteristic_candidates",
    "compare_value",
    "fetch_reference_rows",
    "manufacturer_name_matches",
    "prepare",
    "redacted",
    "references_written_keys",
    "score_of",
    "screen",
    "screen_many",
    "screen_prepared",
    "screening_decision_record",
    "screening_key_fields",
    "screening_key_refresh",
    "screening_keys_backfill",
    "screening_keys_catch_up",
    "screening_keys_store",
    "thresholds",
    "verdict_for",
]
