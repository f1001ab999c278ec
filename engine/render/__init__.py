"""Renderers: every output format is rendered from findings.json (FindingsDocument)."""
