"""The portal: a Django web app over the store (accounts, LA uploads, results, the tracker).

Views hold no logic: they call the store, the validation engine and the report renderers.
`cld serve` runs it on the embedded default; `cld.web.wsgi` is the production entry.
"""
