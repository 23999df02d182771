"""ASCOF 2D (people 65+ discharged from hospital into reablement who remain in the community
12 weeks later): not produced. It needs CLD linked to hospital (SUS APC) discharges."""

from cld.derive.registry import not_produced

not_produced("ASCOF2D", "ASCOF 2D (old 2B(1)) counts people aged 65+ discharged from hospital "
             "into reablement and whether they stayed at home 12 weeks later; it needs CLD "
             "linked to hospital discharges (SUS admitted patient care: admission, discharge, "
             "readmission and death), which this collection does not hold. It comes later, "
             "with the linked data.")
