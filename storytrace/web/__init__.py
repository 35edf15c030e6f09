"""`storytrace serve`: the read-only web explorer and JSON API (see docs/decisions/web.md).

`storytrace.web.app.create_app(workspace)` returns the ASGI app; `web/queries.py` holds
every query the pages and the API run.
"""
