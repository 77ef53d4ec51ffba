"""Importers: turn pages copied from the source databases into draft initiatives.

Parsing is pure (text in, `ImportRecord`s out: see `common`, `stemcoalition`,
`cedefop`, `detect`); matching terms against the catalogue's vocabularies and
writing drafts happen in `service`.
"""
