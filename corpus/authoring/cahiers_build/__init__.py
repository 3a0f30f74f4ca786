"""Renderers and model behind corpus/authoring/build.py (see corpus/authoring/SPEC.md)."""
