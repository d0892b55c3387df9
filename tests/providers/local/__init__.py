"""Tests of the local provider against real files in tmp_path."""
