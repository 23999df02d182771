"""Central transformations: SALT tables, ASCOF measures and costs from the events.

Imports nothing on its own (keeps start-up light): use `cld.derive.compute.derive`,
`cld.derive.load.load_profile`, `cld.derive.registry.OUTPUTS`.
"""
