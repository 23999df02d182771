"""The reports' neutralising of formula-like text: the ground module `cld.formulas` (the
store's dataset CSV uses it too), named here for the reports' writers."""

from cld.formulas import DANGEROUS_PREFIXES, neutralise, neutralise_array, neutralise_table

__all__ = ["DANGEROUS_PREFIXES", "neutralise", "neutralise_array", "neutralise_table"]
