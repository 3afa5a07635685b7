"""The notice's rules as plain functions over plain data.

Nothing in this package imports Django: the database layer (``greenlist.screening``) builds the
facts, these functions return findings, and the web UI and command line explain them. Every
finding names its rule id (the catalogue in docs/rules.md) and the clause of the notice it comes from.
"""
