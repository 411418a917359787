"""Build-time checks: the public pages' weight, unmarked strings, the translation catalogues.

`make messages`, `make bench-weight` and `make translations` run these; the product never
imports them, so `core` keeps only the privacy machinery and the layout.
"""
