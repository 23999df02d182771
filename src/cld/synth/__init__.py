"""Synthetic CLD submissions: realistic people and pathways, optional injected defects.

    result = generate("503", date(2020, 4, 1), date(2021, 3, 31), people=2000, seed=1,
                      defects=0.01)
    write_submission(result, "sub.csv")            # or fmt="xlsx", encoding="cp1252"
    write_manifest(result, "sub.manifest.json")

No real person's data: Faker en_GB names, NHS numbers from the 900 test range, fictional
postcodes, GP and provider codes. Every list value comes from the specification.
"""

from cld.synth.defects import DEFECT_KINDS
from cld.synth.engine import generate
from cld.synth.frame import SynthResult
from cld.synth.identity import nhs_check_digit, nhs_valid
from cld.synth.vocab import SpecMismatch
from cld.synth.writer import write_manifest, write_submission

__all__ = ["DEFECT_KINDS", "SpecMismatch", "SynthResult", "generate", "nhs_check_digit",
           "nhs_valid", "write_manifest", "write_submission"]
