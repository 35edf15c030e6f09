"""Article families: copies, rewrites and translations of one text, traced to its original.

Public entry points:

* `storytrace.match.stage.run(ws, new_ids, progress)` - the pipeline stage;
* `storytrace.match.embed.page_vectors(ws, ids)` - stored page vectors for other stages;
* `storytrace.match.trace.family_tree(ws, page_id)` and `page_diff(ws, page_id)` - what
  `storytrace trace`, the explorer and the export show.

How it works and why: docs/decisions/match.md.
"""
