"""Tests of validation and compilation (fnplan.compile)."""
