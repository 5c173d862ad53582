"""The HTTP face of claimtrack (`claimtrack serve`): the JSON API and the review desk.

Handlers are thin: they check access, call the pipeline, the review actions and the
queries of :mod:`store.web_queries`, and shape the answer.
"""
