"""Building blocks shared by the outputs: small functions over ibis tables."""
