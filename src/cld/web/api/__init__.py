"""The portal's JSON API (/api/v1/): organisations' tokens and the endpoints for scripts."""
