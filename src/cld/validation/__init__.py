"""Validation: rules over a prepared submission, collected into one issue record shape.

Import what you need from its modules (`cld.validation.engine.validate`,
`cld.validation.registry.RULES`, `cld.validation.result.ValidationResult`): this package file
imports nothing, so reading a result does not pay for loading the engine.
"""
