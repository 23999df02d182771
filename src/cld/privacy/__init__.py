"""Privacy and dissemination: NHS number tracing, keyed pseudonymisation, dissemination
profiles and extracts, disclosure control and the benchmark report.

Takes tables and a policy; imports the store (and ingest/validation through it), never derive
(the benchmark report alone reads derived outputs).
"""
