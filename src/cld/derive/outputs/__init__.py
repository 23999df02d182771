"""Every output, one module each (importing this package registers them)."""
