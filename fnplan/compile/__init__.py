"""Validation and compilation of an evaluated Config into desired provider resources
(`fnplan.compile.compile.compile_config`)."""
