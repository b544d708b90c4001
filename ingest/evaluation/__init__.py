"""Extraction quality measured against hand-written gold annotations (tests/gold/).

`registry` holds the fact types and their evaluators, `gold` reads the annotation files, `run`
evaluates every gold document. Each other module of this package registers evaluators for its
fact types and is imported automatically, so adding a fact type is adding a module.
"""
