"""The exchange workbook (DESIGN.md): sheets, reading, importing, templates."""
