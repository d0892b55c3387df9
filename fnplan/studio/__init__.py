"""The studio's engine side: one workflow as a graph (model, layout, renderings) and graph
diffs between revisions of the configuration."""
