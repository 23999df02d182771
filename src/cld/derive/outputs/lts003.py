"""SALT LTS003 (carers supported in the year) cannot be produced from CLD v4.2."""

from cld.derive.registry import not_produced

not_produced("LTS003", "SALT LTS003 counts carers supported in the year; CLD v4.2 has no "
             "Client Type item, so carers' events cannot be told from service users'.")
