"""Dataset validation: every rule, collected into one report."""

from corridor.issues import Issue
from corridor.validate.dataset import validate_dataset
from corridor.validate.report import ValidationReport

__all__ = ["Issue", "ValidationReport", "validate_dataset"]
