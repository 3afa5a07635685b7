"""Decisions bound to the stored screening verdict: the application workflow's transitions, the
applicant's edits, a unit's submission to the province and its return, and rulings on findings.

This layer sits above ``campaign`` (the records and the workflow table) and ``screening`` (the
verdicts): every decision here reads the verdict inside its own transaction, so no door (web,
API, import, command line) can move an excluded application onto a list.
"""
