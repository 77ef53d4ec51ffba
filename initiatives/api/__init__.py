"""The read-only JSON API under /api/ (Django REST framework).

`/api/initiatives/` filters with `InitiativeFilter`, the FilterSet of the
`/initiatives/` page, so both take the same parameters and show the same
initiatives. Only published initiatives, and counts of published initiatives,
leave through it.
"""
