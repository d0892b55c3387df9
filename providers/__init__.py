"""Provider plugins shipped with fnplan, importable as fnplan.providers.<name>."""
