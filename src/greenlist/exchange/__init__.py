"""The exchange workbook (docs/contracts/workbook.md): sheets, reading, importing, templates."""
