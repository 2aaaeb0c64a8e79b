"""The dataset stage: read the CSV files, parse every cell, run every rule, build the Network.

``validate_dataset`` collects every problem into one report; ``load`` returns the validated,
immutable :class:`Network` every later stage starts from.
"""

from corridor.dataset.issues import Issue
from corridor.dataset.network import Network, from_frames, load
from corridor.dataset.report import ValidationReport
from corridor.dataset.validate import validate_dataset

__all__ = ["Issue", "Network", "ValidationReport", "from_frames", "load", "validate_dataset"]
