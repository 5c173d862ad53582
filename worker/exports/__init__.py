"""Review exports (SPEC §6): CSV and JSON Lines, schema.org ClaimReview, the HTML report.

Every module here but :mod:`worker.exports.load` is pure: plain dicts in, text or
plain dicts out; no session, no ORM, no clock (``now`` is passed in). ``load`` is the
shell side: it runs the queries of :mod:`store.review_queries` and turns rows into
the dicts the shapers take.
"""
