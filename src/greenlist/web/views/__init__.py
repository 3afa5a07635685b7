"""Thin views, one module per area: parse, check access, delegate, render."""
