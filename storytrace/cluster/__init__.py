"""storytrace.cluster: stories, narratives, the outlet network and timelines.

- `stage.run(ws, new_ids)` - the pipeline stage (families -> stories -> narratives);
- `api` - read functions for the CLI and the explorer: `list_stories`, `story`,
  `story_pages`, `story_families`, `timeline`, `list_narratives`, `narrative`,
  `label_coverage`;
- `network` - outlet copy graph: `outlet_edges`, `outlet_stats`, `outlet_graph`,
  `write_gexf`, `write_graphml`, `write_edges_csv`, `load_outlet_labels`;
- `timeline` - `timeline_figure`, `timeline_png`;
- `stories`, `narratives`, `features`, `units` - the algorithms and their inputs.
"""
