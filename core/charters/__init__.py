"""Customer charters: the file format (parse.py, with standards.py and lines.py), versions in the database
(store.py) and reads of published charters (queries.py). Other packages import from here."""

from core.charters.parse import CharterFileError, CharterSpec, CommitmentSpec, ExpectationSpec, parse_charter
from core.charters.queries import (
    active_service_area,
    describe_standard,
    published_charter,
    published_commitments_of,
    seconds_per_ring_of,
    service_areas_by_code,
)
from core.charters.store import (
    CharterRuleError,
    edit_commitment_wording,
    load_charter_file,
    publish_draft,
    start_draft,
    store_charter,
)
from core.standards import METRICS, NAMED_RULES, SUBJECTS, UNITS, Standard

__all__ = [
    "METRICS", "NAMED_RULES", "SUBJECTS", "UNITS", "CharterFileError", "CharterRuleError", "CharterSpec",
    "CommitmentSpec", "ExpectationSpec", "Standard", "active_service_area", "describe_standard",
    "edit_commitment_wording", "load_charter_file", "parse_charter", "publish_draft", "published_charter",
    "published_commitments_of", "seconds_per_ring_of", "service_areas_by_code", "start_draft", "store_charter",
]
